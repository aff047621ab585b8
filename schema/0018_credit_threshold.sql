-- The threshold of the credit tier a period's attainment fell below, so a credit says what it was measured against
-- (and its attainment is never shown reaching it). Credits recorded before hold none.
ALTER TABLE credits ADD COLUMN tier_threshold numeric;
