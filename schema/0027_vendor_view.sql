-- Whether a vendor's users see the customer's internal figures for an agreement: the SLO beside the SLA, the error
-- budget against it and the burn-rate alerts. Off by default: a vendor sees the contract's SLA only.
ALTER TABLE agreement_governance ADD COLUMN share_internal_figures boolean NOT NULL DEFAULT false;
