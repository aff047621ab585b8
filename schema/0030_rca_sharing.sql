-- Whether the customer shares an RCA of breaches of its internal SLO with the vendors concerned, who then read it against their SLA.
ALTER TABLE rcas ADD COLUMN shared_with_vendors boolean NOT NULL DEFAULT false;

-- RCAs opened before the choice existed invited every vendor whose breach they cover: where a vendor party has no
-- breach it would read without sharing (an SLA breach, or one of an agreement sharing the internal figures), the RCA
-- stays shared with it, read against its SLA from now on.
UPDATE rcas r SET shared_with_vendors = true
WHERE EXISTS (
    SELECT 1 FROM rca_parties p
    WHERE p.rca_id = r.id AND p.vendor_id IS NOT NULL
      AND NOT EXISTS (
          SELECT 1 FROM rca_breaches rb JOIN breaches b ON b.id = rb.breach_id JOIN objectives o ON o.id = b.objective_id
          JOIN agreement_versions av ON av.id = o.version_id LEFT JOIN agreement_governance g ON g.agreement_id = av.agreement_id
          WHERE rb.rca_id = r.id AND b.vendor_id = p.vendor_id AND (b.severity = 'sla' OR coalesce(g.share_internal_figures, false))));
