-- The stored facts' bookkeeping over a lake, as migration 005 keeps it in the warehouse:
-- the definition and the data fingerprint the manifest says the facts were built with.
CREATE TABLE fact_state AS
SELECT $definition::VARCHAR AS definition, $stamp::VARCHAR AS data_stamp, now() AS built_at
