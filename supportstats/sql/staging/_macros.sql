-- Parsing helpers shared by every staging file (temporary: they live for one connection).
-- The rating macros (ss_rating_norm, ss_rating_positive, ss_rating_negative) are stored in
-- the warehouse (schema/004): the rating_all view computes scores with them too.

-- Epoch seconds (9-10 digits) or milliseconds (12-13 digits) to TIMESTAMPTZ.
CREATE OR REPLACE TEMP MACRO ss_epoch(x) AS (
    CASE
        WHEN regexp_full_match(x, '\d{9,10}(\.\d+)?') THEN to_timestamp(try_cast(x AS DOUBLE))
        WHEN regexp_full_match(x, '\d{12,13}') THEN to_timestamp(try_cast(x AS DOUBLE) / 1000)
    END
);

-- Whether x ends in a UTC offset outside -14:00..+14:00 after a time ('+25:00', '-1500',
-- '+15'), which DuckDB would take and shift the time by. Nearly free for the values it
-- passes: no offset (their length says so), or one of the common '+0H' / ':..-0H' shapes
-- (a byte search); only the others ('+1H', '-1H', fractions) meet the pattern.
CREATE OR REPLACE TEMP MACRO ss_far_offset(x) AS (
    strlen(x) > 20
    AND CASE WHEN contains(x, '+') THEN NOT contains(x, '+0')
             ELSE x LIKE '%:%-%' AND NOT x LIKE '%:%-0%' END
    AND regexp_matches(x, '\d:\d\d(:\d\d)?([.,]\d+)?\s*[+-]((1[5-9]|[2-9]\d)(:?\d\d)?|14:?(0[1-9]|[1-5]\d))$')
);

-- Text to TIMESTAMPTZ. ISO strings with an offset keep it (one outside -14:00..+14:00 is
-- no date/time: ss_far_offset); naive ones are local time in tz; 9-10 digit numbers are
-- epoch seconds, 12-13 digits epoch milliseconds; fmt (strptime) is for day-first and other
-- house formats given in a mapping file. A naive UTC time becomes its instant by its epoch
-- microseconds: exact, and a quarter of the time of the zone rules' timezone().
CREATE OR REPLACE TEMP MACRO ss_ts(x, tz, fmt) AS (
    CASE
        WHEN x IS NULL OR x = '' THEN NULL
        WHEN fmt IS NOT NULL AND tz = 'UTC'
            THEN make_timestamptz(epoch_us(try_cast(try_strptime(x, fmt) AS TIMESTAMP)))
        WHEN fmt IS NOT NULL THEN timezone(tz, try_cast(try_strptime(x, fmt) AS TIMESTAMP))
        WHEN ss_far_offset(x) THEN NULL
        -- The common case first: a cast is far cheaper than any pattern match.
        WHEN tz = 'UTC' THEN coalesce(try_cast(x AS TIMESTAMPTZ), ss_epoch(x))
        WHEN regexp_matches(x, '(Z|[+-]\d\d(:?\d\d)?)$') THEN try_cast(x AS TIMESTAMPTZ)
        ELSE coalesce(timezone(tz, try_cast(x AS TIMESTAMP)), ss_epoch(x))
    END
);

-- Text to DOUBLE, accepting a decimal comma when the file uses one.
CREATE OR REPLACE TEMP MACRO ss_num(x, decimal_comma) AS (
    try_cast(CASE WHEN decimal_comma THEN replace(replace(x, '.', ''), ',', '.') ELSE x END AS DOUBLE)
);

-- Text to BOOLEAN: true/false, yes/no, 1/0, y/n, t/f (any case).
CREATE OR REPLACE TEMP MACRO ss_bool(x) AS (
    CASE lower(trim(x))
        WHEN 'true' THEN true WHEN 't' THEN true WHEN 'yes' THEN true WHEN 'y' THEN true
        WHEN '1' THEN true
        WHEN 'false' THEN false WHEN 'f' THEN false WHEN 'no' THEN false WHEN 'n' THEN false
        WHEN '0' THEN false
    END
);

-- Empty text is NULL.
-- trim() copies every string it is given; most values need no trimming, and trim() only
-- removes Unicode space separators, so an ASCII value (byte and character lengths equal)
-- without a space at either end is kept as is (about 6 % of a messages import).
CREATE OR REPLACE TEMP MACRO ss_text(x) AS (
    nullif(
        CASE WHEN strlen(x) <> length(x) OR starts_with(x, ' ') OR ends_with(x, ' ')
             THEN trim(x) ELSE x END,
        '')
);

-- 'is not a date/time' message part for a value.
CREATE OR REPLACE TEMP MACRO ss_quote(x) AS (
    CASE WHEN x IS NULL OR trim(x) = '' THEN 'is empty' ELSE '''' || left(x, 60) || '''' END
);

-- The message part after a date/time value that was not taken: ' is not a date/time', or
-- what is wrong with its UTC offset.
CREATE OR REPLACE TEMP MACRO ss_not_ts(x) AS (
    CASE WHEN ss_far_offset(trim(x)) THEN ' has a UTC offset outside -14:00..+14:00'
         ELSE ' is not a date/time' END
);

-- Channel names from many tools onto the canonical few (others: trimmed, lower case).
-- A map lookup: IN-lists of five or more names become joins, several times slower here.
CREATE OR REPLACE TEMP MACRO ss_channel(x) AS (
    coalesce(MAP {
        'email': 'email', 'mail': 'email', 'e-mail': 'email',
        'chat': 'chat', 'livechat': 'chat', 'live_chat': 'chat', 'web_widget': 'chat', 'webchat': 'chat', 'widget': 'chat', 'native_messaging': 'chat',
        'whatsapp': 'messaging', 'messenger': 'messaging', 'facebook': 'messaging', 'sms': 'messaging', 'telegram': 'messaging', 'line': 'messaging', 'instagram': 'messaging', 'messaging': 'messaging', 'wechat': 'messaging',
        'voice': 'voice', 'phone': 'voice', 'call': 'voice', 'telephony': 'voice',
        'twitter': 'social', 'x': 'social', 'social': 'social',
        'api': 'web', 'web': 'web', 'portal': 'web', 'form': 'web', 'web_form': 'web'
        }[lower(ss_text(x))], lower(ss_text(x)))
);

-- A score as text, "4,5" read as "4.5" when the file uses a decimal comma (a file delimited
-- by ';', tab or '|'); anything else as it is, for the scale rules to judge.
CREATE OR REPLACE TEMP MACRO ss_decimal_text(x, decimal_comma) AS (
    CASE WHEN decimal_comma THEN regexp_replace(ss_text(x), '^([+-]?\d+),(\d+)$', '\1.\2')
         ELSE ss_text(x) END
);

-- An agent row keyed by its own e-mail (Chatwoot's CSAT CSV), plainly or as pseudonyms (an
-- e-mail key's pseudonym plus '@pseudonym.invalid' is its e-mail's): importers/_agents.py.
CREATE OR REPLACE TEMP MACRO ss_agent_by_email(email, source_id) AS (
    coalesce(lower(email) IN (lower(source_id), lower(source_id) || '@pseudonym.invalid'), false)
);

-- An agent row keyed by its name (Freshdesk's ticket CSV): the key's id is the name itself,
-- plainly or as pseudonyms ('Agent ' || the name's pseudonym). A number or an e-mail is an
-- id, even where it stands as the name of a row registered by its id alone.
CREATE OR REPLACE TEMP MACRO ss_agent_by_name(name, source_id) AS (
    coalesce((name = source_id AND regexp_matches(source_id, '[^\d\s]') AND strpos(source_id, '@') = 0)
             OR name = 'Agent ' || source_id, false)
);
