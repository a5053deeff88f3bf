SELECT a.agent_key, (SELECT count(*) FROM _int_agent_kinds n WHERE n.named AND n.name_norm = a.name_norm) AS matches
FROM _int_agent_kinds a
WHERE a.by_name_key AND NOT a.is_bot
  AND EXISTS (SELECT 1 FROM _int_agent_kinds n WHERE n.named)
  AND a.agent_key NOT IN (SELECT alias_key FROM _int_agent_aliases)
