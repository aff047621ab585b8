-- Each inbox item names the vendor it concerns (when one does), so a person can filter their inbox by vendor. Items
-- written before this carry none.
ALTER TABLE notifications ADD COLUMN vendor_id bigint REFERENCES vendors (id) ON DELETE SET NULL;
CREATE INDEX notifications_user_vendor_idx ON notifications (user_id, vendor_id, created_at DESC) WHERE vendor_id IS NOT NULL;
