-- Terms that move with the calendar: yearly seasons with their own targets (and tiers) and a ramp of dated steps.
-- {"seasons":[{"name","from":"MM-DD","to":"MM-DD","sla_target","slo_target","credit_tiers"?}],"ramp":[{"until","sla_target","slo_target"}]}
-- Versions keep them, so history is judged by the terms in force at each period's start.
ALTER TABLE objectives ADD COLUMN moving_terms jsonb NOT NULL DEFAULT '{"seasons":[],"ramp":[]}';
