-- sb_saga_lease (open, lease_until_ms) serves every look-up by open that sb_saga_open served: the
-- narrower index only cost one more B-tree entry to write per saga created and closed.
DROP INDEX IF EXISTS sb_saga_open;
