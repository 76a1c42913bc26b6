-- Spec §5 item 45: /v2/search/im/randomselected draws from a set of images chosen by administrators
-- (`sightline images select KEY`), and from every public image while that set holds none that is visible. Numbered 0160
-- so that it cannot clash with a number another branch takes.
CREATE TABLE selected_images (
    image_id    INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
    selected_at INTEGER NOT NULL
);
