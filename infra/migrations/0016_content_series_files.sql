-- Content (issue 13): series membership and titles are part of the per-isolate live table
-- (functions/content/src/live.rs), so changing them moves the library's generation (0014);
-- a file removed from a draft does too.

CREATE TRIGGER IF NOT EXISTS library_generation_series_insert AFTER INSERT ON library_series
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_series_update AFTER UPDATE ON library_series
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_series_delete AFTER DELETE ON library_series
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_series_item_insert AFTER INSERT ON library_series_items
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_series_item_update AFTER UPDATE ON library_series_items
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_series_item_delete AFTER DELETE ON library_series_items
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER IF NOT EXISTS library_generation_file_delete AFTER DELETE ON library_files
BEGIN UPDATE library_generation SET value = value + 1 WHERE id = 1; END;
