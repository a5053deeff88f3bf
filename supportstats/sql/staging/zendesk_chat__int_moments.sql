-- Per-chat moments read from the history once.
SELECT sid,
       min(at_ts) FILTER (WHERE type = 'chat.memberleave' AND role = 'customer') AS visitor_left_at,
       min(at_ts) FILTER (WHERE type = 'chat.request.rating') AS rating_requested_at,
       max(at_ts) FILTER (WHERE type = 'chat.rating') AS rated_at,
       max(at_ts) FILTER (WHERE type = 'chat.comment') AS commented_at
FROM zendesk_chat__int_history GROUP BY sid
