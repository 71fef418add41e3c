"""The books: charts of accounts, vouchers, periods, reports and the beancount rendering."""
