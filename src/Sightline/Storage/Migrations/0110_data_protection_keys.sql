-- ASP.NET Data Protection's key ring (sign-in cookies, CSRF tokens), issue 10: in the database rather than the data
-- folder, so that every node on one database shares it. Numbered after the issue (see 0013) to avoid clashes.
CREATE TABLE data_protection_keys (
    name TEXT PRIMARY KEY,
    xml TEXT NOT NULL
);
