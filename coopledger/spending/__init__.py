"""Money control (资金管控): spending approved before it is paid (支出申请 through the township's
approval chain, by amount), paid once by the cashier and booked through a drafted voucher."""
