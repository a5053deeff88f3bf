-- Zendesk statuses onto the canonical ones (hold -> on_hold, solved -> resolved); custom
-- or unknown statuses (e.g. deleted) are kept lower-cased.
CREATE OR REPLACE TEMP MACRO zd_status(s) AS (
    CASE lower(trim(s)) WHEN 'hold' THEN 'on_hold' WHEN 'solved' THEN 'resolved'
        WHEN '' THEN NULL ELSE lower(trim(s)) END
);
