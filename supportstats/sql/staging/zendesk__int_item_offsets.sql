-- Where each document's records of a kind start in that kind's numbering (a small table).
SELECT kind, _doc, coalesce(sum(n) OVER (PARTITION BY kind ORDER BY _doc
           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS off
FROM (SELECT kind, _doc, max(_idx) AS n FROM zendesk__int_items GROUP BY ALL)
