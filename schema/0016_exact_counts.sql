-- A period's counts after pro-rata exclusions are exact fractions ("200/3"); the numeric columns keep them rounded to
-- 12 decimals for sorting and sums. Rows recorded before hold decimal counts, exact as they are.
ALTER TABLE period_results ADD COLUMN good_exact text;
ALTER TABLE period_results ADD COLUMN valid_exact text;
