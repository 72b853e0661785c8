package billmgrtest_test

import (
	"encoding/xml"
	"fmt"
	"net/url"

	"github.com/go-billmgr/billmgr/billmgrtest"
)

// Create a payment for a seeded client, credit it, and read the balance.
func ExampleNewServer() {
	srv := billmgrtest.NewServer(billmgrtest.WithSeed(billmgrtest.Seed{
		Accounts: []billmgrtest.SeedAccount{{Email: "ann@example.com", Password: "pw"}},
	}))
	defer srv.Close()
	ann := fmt.Sprint(srv.AccountID("ann@example.com"))

	call := func(params url.Values) (reply struct {
		ID    string `xml:"id"`
		Error *struct {
			Type   string `xml:"type,attr"`
			Object string `xml:"object,attr"`
		} `xml:"error"`
	}) {
		params.Set("out", "xml")
		params.Set("authinfo", srv.AdminUser+":"+srv.AdminPassword)
		resp, err := srv.Client().PostForm(srv.URL, params)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		if err := xml.NewDecoder(resp.Body).Decode(&reply); err != nil {
			panic(err)
		}
		return reply
	}

	created := call(url.Values{"func": {"payment.edit"}, "plid": {ann}, "sok": {"ok"}, "subaccountamount": {"100.50"}})
	call(url.Values{"func": {"payment.setpaid"}, "elid": {created.ID}})
	fmt.Println("balance:", srv.Balance(srv.AccountID("ann@example.com")))

	failed := call(url.Values{"func": {"payment.delete"}, "elid": {created.ID}})
	fmt.Printf("delete: %s(%s)\n", failed.Error.Type, failed.Error.Object)
	// Output:
	// balance: 100.5
	// delete: value(status)
}

// Make the next registration fail as a panel refuses a taken e-mail, in Russian, to test
// a sign-up form's error path.
func ExampleHandler_RefuseNext() {
	srv := billmgrtest.NewServer()
	defer srv.Close()
	srv.RefuseNext("register", 1, billmgrtest.Refusal{Type: "exists", Object: "email", Value: "ann@example.com"})

	register := func() (reply struct {
		Error *struct {
			Type   string `xml:"type,attr"`
			Object string `xml:"object,attr"`
			Msg    string `xml:"msg"`
		} `xml:"error"`
	}) {
		resp, err := srv.Client().PostForm(srv.URL, url.Values{"func": {"register"}, "out": {"xml"}, "lang": {"ru"},
			"sok": {"ok"}, "email": {"ann@example.com"}, "passwd": {"ann-secret"}})
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		if err := xml.NewDecoder(resp.Body).Decode(&reply); err != nil {
			panic(err)
		}
		return reply
	}

	refused := register()
	fmt.Printf("%s(%s): %s\n", refused.Error.Type, refused.Error.Object, refused.Error.Msg)
	fmt.Println("registered:", srv.AccountID("ann@example.com") != 0)
	fmt.Println("then:", register().Error == nil)
	// Output:
	// exists(email): Объект 'E-mail' со значением 'ann@example.com' уже существует
	// registered: false
	// then: true
}
