INSERT INTO seeded (name) VALUES ('alpha');
INSERT INTO seeded (name) VALUES ('beta');
