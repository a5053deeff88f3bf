-- Freshdesk parsing helpers (temporary macros), shared by the CSV and API staging files.
CREATE OR REPLACE TEMP MACRO fd_hms(x) AS (
    CASE WHEN regexp_full_match(trim(x), '\d+:\d{1,2}(:\d{1,2})?')
         THEN split_part(trim(x), ':', 1)::DOUBLE * 3600 + split_part(trim(x), ':', 2)::DOUBLE * 60
              + coalesce(try_cast(split_part(trim(x), ':', 3) AS DOUBLE), 0) END
);

-- Freshdesk's ticket sources onto our channels (names in the CSV, numbers in the API).
CREATE OR REPLACE TEMP MACRO fd_channel(x) AS (
    CASE lower(trim(x))
        WHEN '1' THEN 'email' WHEN 'email' THEN 'email' WHEN '10' THEN 'email' WHEN 'outbound email' THEN 'email'
        WHEN '2' THEN 'web' WHEN 'portal' THEN 'web' WHEN '9' THEN 'web' WHEN 'feedback widget' THEN 'web'
        WHEN '3' THEN 'voice' WHEN 'phone' THEN 'voice'
        WHEN '7' THEN 'chat' WHEN 'chat' THEN 'chat'
        WHEN '5' THEN 'social' WHEN 'twitter' THEN 'social' WHEN '6' THEN 'social' WHEN 'facebook' THEN 'social'
        WHEN '13' THEN 'messaging' WHEN 'whatsapp' THEN 'messaging'
        ELSE ss_channel(x) END
);

-- Survey answer text (CSV) to Freshdesk's rank -3..3 (103 extremely happy ... -103 extremely unhappy).
CREATE OR REPLACE TEMP MACRO fd_survey_rank(x) AS (
    CASE
        WHEN x IS NULL THEN NULL
        WHEN regexp_matches(lower(x), 'extremely (happy|satisfied)|awesome') THEN 3
        WHEN regexp_matches(lower(x), 'extremely (unhappy|dissatisfied)|terrible') THEN -3
        WHEN regexp_matches(lower(x), 'very (unhappy|dissatisfied)') THEN -2
        WHEN regexp_matches(lower(x), 'very (happy|satisfied)') THEN 2
        WHEN regexp_matches(lower(x), 'unhappy|dissatisfied|not good|bad') THEN -1
        WHEN regexp_matches(lower(x), 'happy|satisfied|good') THEN 1
        WHEN regexp_matches(lower(x), 'neutral|okay|ok') THEN 0
    END
);
