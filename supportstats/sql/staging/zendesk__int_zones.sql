-- ActiveSupport zone names (Zendesk's schedule time_zone) -> IANA zones: $rails and $iana are
-- parallel lists (importers/_zones.py).
SELECT unnest($rails) AS rails, unnest($iana) AS iana
