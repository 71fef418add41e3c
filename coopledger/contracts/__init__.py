"""Partner enterprises and the contracts of an organisation (leases, joint ventures,
investments, employment): the counterparty register and the pure lease-schedule rules."""
