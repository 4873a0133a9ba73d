-- On the embedded H2 store only (PostgreSQL keeps the index). Old processed-message records are found
-- by walking the table in the order its one writer inserted them (_ROWID_), oldest first, up to the
-- first young one (ProcessedMessages.purge): sb_processed_age served the hourly purge alone, and cost a
-- B-tree entry per record — nine per order of the checkout — and one more map for H2 to write out at
-- every commit. Versions here share one sequence with db/platform.
DROP INDEX IF EXISTS sb_processed_age;
