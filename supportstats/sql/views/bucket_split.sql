-- bucket_split: cut intervals [s, e) of {{input}} at bucket boundaries of $bucket_min minutes
-- in the reporting timezone $tz, so time-of-day groups see only the part inside each bucket.
-- Boundaries are local wall-clock (a day bucket is local midnight to midnight); lengths are
-- wall-clock too, so on a DST change day a stretch across the switch is off by the shift.
-- Output: the input's columns with s and e replaced by the clipped piece.
with local as (
    select *, timezone($tz, s::timestamptz) as ls, timezone($tz, e::timestamptz) as le
    from {{input}}
)
select
    * exclude (s, e, ls, le, b),
    timezone($tz, greatest(ls, b)::timestamp) as s,
    timezone($tz, least(le, b + to_minutes($bucket_min))::timestamp) as e
from local,
    unnest(generate_series(
        time_bucket(to_minutes($bucket_min), ls),
        le - interval 1 microsecond,
        to_minutes($bucket_min)
    )) as u(b)
