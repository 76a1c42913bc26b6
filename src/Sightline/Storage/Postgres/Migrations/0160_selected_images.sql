-- Spec §5 item 45: /v2/search/im/randomselected draws from a set of images chosen by administrators
-- (`sightline images select KEY`), and from every public image while that set holds none that is visible.
CREATE TABLE selected_images (
    image_id    bigint PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
    selected_at bigint NOT NULL
);
