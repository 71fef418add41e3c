"""Bank reconciliation (银行对账) and the cash count (现金盘点): issue 20, "Bank statements and
reconciliation" and "Cash"."""
