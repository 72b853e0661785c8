package billmgrtest

import "github.com/shopspring/decimal"

// Demo is the data of the demo fake (billmgr fake --demo, billmgr-fake --demo): three
// clients, named in English and in Russian, in rubles and in dollars, whose payments are
// in the states a script meets (credited, new, refunded, cancelled), with an expense
// each of the first two:
//
//	login             password      name          currency  balance                   payments
//	ann@example.com   ann-secret    Ann Lee       RUB       150.00                    100.00 and 50.00 credited, 25.00 new
//	ivan@example.ru   ivan-secret   Иван Петров   RUB       -20.00 (credit limit 100) 500.00 refunded, 80.00 cancelled
//	corp@example.com  corp-secret   Example Corp  USD       1000.00                   none
//
// Find their ids with AccountID and PaymentIDs.
func Demo() Seed {
	d := decimal.RequireFromString
	return Seed{Accounts: []SeedAccount{
		{Email: "ann@example.com", Password: "ann-secret", Name: "Ann Lee", Balance: d("150.00"),
			Payments: []SeedPayment{
				{Amount: d("100.00"), Status: 4, Description: "Top-up"},
				{Amount: d("50.00"), Status: 4, Paymethod: 2},
				{Amount: d("25.00")},
			},
			Expenses: []SeedExpense{{Name: "VPS", Operation: "prolong", Amount: d("12.50")}}},
		{Email: "ivan@example.ru", Password: "ivan-secret", Name: "Иван Петров", Balance: d("-20.00"), CreditLimit: d("100"),
			Payments: []SeedPayment{{Amount: d("500.00"), Status: 6}, {Amount: d("80.00"), Status: 9}},
			Expenses: []SeedExpense{{Name: "Hosting", Operation: "prolong", Amount: d("20.00")}}},
		{Email: "corp@example.com", Password: "corp-secret", Name: "Example Corp", Currency: "USD", Balance: d("1000.00")},
	}}
}
