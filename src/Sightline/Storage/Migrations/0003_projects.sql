-- Projects: private image collections readable only by their members.
CREATE TABLE projects (
    id            INTEGER PRIMARY KEY,
    key           TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    owner_user_id INTEGER NOT NULL REFERENCES users(id),
    created_at    INTEGER NOT NULL
);

CREATE TABLE project_members (
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (project_id, user_id)
);

-- Null for public images and sequences; a project's images only join that project's sequences.
ALTER TABLE images ADD COLUMN project_id INTEGER REFERENCES projects(id);
ALTER TABLE sequences ADD COLUMN project_id INTEGER REFERENCES projects(id);
