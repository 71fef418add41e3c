"""Partner enterprises and the contracts of an organisation (leases, joint ventures,
investments, employment). This session built the pure schedule rules; the register follows."""
