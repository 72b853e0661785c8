package billmgr

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func utcTime(year int, month time.Month, day, hour, minute, second int) time.Time {
	return time.Date(year, month, day, hour, minute, second, 0, time.UTC)
}

func rub(amount string) Money {
	return Money{Amount: decimal.RequireFromString(amount), Currency: "RUB"}
}

// collectPayments drains seq, failing the test on an error.
func collectPayments(t *testing.T, seq func(func(Payment, error) bool)) []Payment {
	t.Helper()
	var out []Payment
	for p, err := range seq {
		require.NoError(t, err)
		out = append(out, p)
	}
	return out
}

func TestPaymentsList(t *testing.T) {
	t.Parallel()
	labels := map[string][3]string{
		"en": {"Bank card", "Credited", "New"},
		"ru": {"Банковская карта", "Зачислен", "Новый"},
	}
	for lang, label := range labels {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, "account.payment/list_"+lang+".xml")

			page, err := c.Payments.List(context.Background(), 12, nil)
			require.NoError(t, err)

			assert.Equal(t, url.Values{"func": {"account.payment"}, "elid": {"12"}}, functionParams(s.last(t)))
			assert.Equal(t, 1, page.Number)
			assert.Equal(t, 1000, page.Size)
			assert.Equal(t, 2, page.Total)
			require.Len(t, page.Items, 2)
			assert.Equal(t, Payment{
				ID:               345,
				Number:           "pfx/345",
				CreateDate:       utcTime(2024, 5, 7, 14, 12, 3),
				PayDate:          utcTime(2024, 5, 8, 9, 30, 0),
				SenderName:       "Ivan Petrov",
				RecipientName:    "Example LLC",
				Project:          Status{Code: "1", Label: "Example Hosting"},
				AccountName:      "ivan@example.com",
				PaymethodName:    label[0],
				PaymethodModule:  "pmtinkoff",
				SubaccountAmount: rub("100.50"),
				PaymethodAmount:  Money{Amount: decimal.RequireFromString("1.25"), Currency: "USD"},
				Status:           Status{Code: PaymentCredited, Label: label[1]},
				RealStatus:       Status{Code: PaymentCredited, Label: PaymentCredited},
				RestrictRefund:   true,
				AllowRefund:      true,
				Refund:           false,
			}, page.Items[0])
			assert.Equal(t, Payment{
				ID:               346,
				Number:           "pfx/346",
				CreateDate:       utcTime(2024, 5, 9, 10, 0, 0),
				SenderName:       "Ivan Petrov",
				RecipientName:    "Example LLC",
				Project:          Status{Code: "1", Label: "Example Hosting"},
				AccountName:      "ivan@example.com",
				PaymethodName:    label[0],
				PaymethodModule:  "pmtinkoff",
				SubaccountAmount: rub("1234.50"),
				PaymethodAmount:  rub("1234.50"),
				Status:           Status{Code: PaymentNew, Label: label[2]},
				RealStatus:       Status{Code: PaymentNew, Label: PaymentNew},
			}, page.Items[1])
			assert.True(t, page.Items[1].PayDate.IsZero(), "an unpaid payment has no pay date")
		})
	}
}

func TestPaymentsListOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *PaymentListOptions
		want url.Values
	}{
		{
			name: "none",
			opts: nil,
			want: url.Values{"func": {"account.payment"}, "elid": {"12"}},
		},
		{
			name: "paging and sorting only",
			opts: &PaymentListOptions{ListOptions: ListOptions{Page: 2, PerPage: 50, Sort: "create_date", Order: "desc"}},
			want: url.Values{
				"func": {"account.payment"}, "elid": {"12"},
				"p_num": {"2"}, "p_cnt": {"50"}, "p_sort": {"create_date"}, "p_order": {"desc"},
			},
		},
		{
			name: "every filter",
			opts: &PaymentListOptions{
				ListOptions: ListOptions{PerPage: 100},
				Number:      "pfx/3",
				Status:      PaymentCredited,
				Paymethod:   2,
				CreatedFrom: DateOf(utcTime(2024, 4, 1, 0, 0, 0)),
				CreatedTo:   DateOf(utcTime(2024, 5, 7, 23, 59, 0)),
				PaidFrom:    DateOf(utcTime(2024, 4, 2, 0, 0, 0)),
				PaidTo:      DateOf(utcTime(2024, 5, 8, 0, 0, 0)),
			},
			want: url.Values{
				"func": {"account.payment"}, "elid": {"12"}, "p_cnt": {"100"}, "filter": {"on"},
				"number": {"pfx/3"}, "status": {"4"}, "paymethod": {"2"},
				"createdate": {"other"}, "createdatestart": {"2024-04-01"}, "createdateend": {"2024-05-07"},
				"payfromdate": {"2024-04-02"}, "paytodate": {"2024-05-08"},
			},
		},
		{
			name: "open-ended period",
			opts: &PaymentListOptions{CreatedFrom: DateOf(utcTime(2024, 4, 24, 0, 0, 0))},
			want: url.Values{
				"func": {"account.payment"}, "elid": {"12"}, "filter": {"on"},
				"createdate": {"other"}, "createdatestart": {"2024-04-24"},
			},
		},
		{
			name: "paid since a day, created any time",
			opts: &PaymentListOptions{PaidFrom: DateOf(utcTime(2024, 5, 1, 0, 0, 0))},
			want: url.Values{"func": {"account.payment"}, "elid": {"12"}, "filter": {"on"}, "payfromdate": {"2024-05-01"}},
		},
		{
			name: "status only",
			opts: &PaymentListOptions{Status: PaymentNew},
			want: url.Values{"func": {"account.payment"}, "elid": {"12"}, "filter": {"on"}, "status": {"1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, "account.payment/list_en.xml")
			_, err := c.Payments.List(context.Background(), 12, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, functionParams(s.last(t)))
		})
	}
}

func TestPaymentsListRealDocument(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account.payment/list_real_ru.xml")

	page, err := c.Payments.List(context.Background(), 7, nil)
	require.NoError(t, err)

	assert.Equal(t, url.Values{"func": {"account.payment"}, "elid": {"7"}}, functionParams(s.last(t)))
	assert.Equal(t, 1, page.Number)
	assert.Equal(t, 1000, page.Size)
	assert.Equal(t, 6, page.Total)
	assertRealPayments(t, page.Items)
}

// assertRealPayments checks the six payments of list_real_ru.xml, a real BILLmanager 6 list.
func assertRealPayments(t *testing.T, got []Payment) {
	t.Helper()
	want := []struct {
		id      int64
		amount  string
		date    time.Time
		method  string
		module  string
		shownAs string
	}{
		{6, "1.00 RUB", utcTime(2024, 5, 7, 0, 0, 0), "ru", "pmtinkoff", "1.00"},
		{5, "10.00 RUB", utcTime(2024, 5, 7, 0, 0, 0), "тест", "pmtestpayment", "10.00"},
		{4, "10.00 RUB", utcTime(2024, 5, 7, 0, 0, 0), "ru", "pmtinkoff", "10.00"},
		{3, "10.00 RUB", utcTime(2024, 5, 7, 0, 0, 0), "ru", "pmtinkoff", "10.00"},
		{2, "12121212.00 RUB", utcTime(2024, 5, 7, 0, 0, 0), "тест", "pmtestpayment", "12121212.00"},
		{1, "100000.00 RUB", utcTime(2024, 4, 24, 0, 0, 0), "ru", "pmtinkoff", "100000.00"},
	}
	require.Len(t, got, len(want))
	for i, w := range want {
		p := got[i]
		assert.Equal(t, w.id, p.ID)
		assert.Equal(t, "pfx/"+idText(w.id), p.Number)
		assert.Equal(t, w.date, p.CreateDate)
		assert.Equal(t, w.date, p.PayDate)
		assert.Equal(t, w.amount, p.SubaccountAmount.String())
		assert.Equal(t, w.amount, p.PaymethodAmount.String())
		assert.True(t, p.SubaccountAmount.Amount.Equal(decimal.RequireFromString(w.shownAs)))
		assert.Equal(t, "RUB", p.SubaccountAmount.Currency)
		assert.Equal(t, Status{Code: PaymentCredited, Label: "Зачислен"}, p.Status)
		assert.Equal(t, PaymentCredited, p.RealStatus.Code)
		assert.Equal(t, "", p.SenderName, "the placeholder \" - \" of a missing payer")
		assert.Equal(t, w.method, p.PaymethodName)
		assert.Equal(t, w.module, p.PaymethodModule)
		assert.False(t, bool(p.AllowRefund))
		assert.False(t, bool(p.Refund))
		assert.False(t, bool(p.RestrictRefund))
	}
}

func TestPaymentsAllRealDocument(t *testing.T) {
	t.Parallel()
	t.Run("one page", func(t *testing.T) {
		t.Parallel()
		// The stub repeats the document for every request: All must stop on its own.
		c, s := newFixtureStub(t, "account.payment/list_real_ru.xml")

		assertRealPayments(t, collectPayments(t, c.Payments.All(context.Background(), 7, nil)))

		reqs := s.requests()
		require.Len(t, reqs, 1, "the total is reached on the first page")
		assert.Equal(t, url.Values{"func": {"account.payment"}, "elid": {"7"}, "p_num": {"1"}, "p_cnt": {"1000"}, "p_sort": {"id"}, "p_order": {"asc"}},
			functionParams(reqs[0].Form))
	})
	t.Run("repeated page", func(t *testing.T) {
		t.Parallel()
		// A total that promises more than the server sends: asked for the next page, the
		// server repeats the page, which adds nothing, and All says the list is short.
		doc := bytes.Replace(fixture(t, "account.payment/list_real_ru.xml"),
			[]byte("<p_elems>6</p_elems>"), []byte("<p_elems>7</p_elems>"), 1)
		c, s := newStub(t, []stubReply{xmlReply(doc)})

		opts := &PaymentListOptions{ListOptions: ListOptions{PerPage: 6}}
		var got []Payment
		var short *ShortListError
		for p, err := range c.Payments.All(context.Background(), 7, opts) {
			if err != nil {
				require.ErrorAs(t, err, &short)
				continue
			}
			require.Nil(t, short, "no row after the error")
			got = append(got, p)
		}
		assertRealPayments(t, got)
		require.NotNil(t, short)
		assert.Equal(t, ShortListError{Func: "account.payment", Rows: 6, Total: 7}, *short)

		reqs := s.requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, "1", reqs[0].Form.Get("p_num"))
		assert.Equal(t, "6", reqs[0].Form.Get("p_cnt"))
		assert.Equal(t, "2", reqs[1].Form.Get("p_num"))
		assert.Equal(t, "1000", reqs[1].Form.Get("p_cnt"), "the page size the server reported")
		assert.Equal(t, "7", reqs[1].Form.Get("elid"))
	})
}

func TestPaymentsAllFilters(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "account.payment/list_en.xml")
	opts := &PaymentListOptions{Status: PaymentCredited, CreatedTo: DateOf(utcTime(2024, 5, 31, 0, 0, 0))}

	got := collectPayments(t, c.Payments.All(context.Background(), 12, opts))

	require.Len(t, got, 2)
	assert.Equal(t, url.Values{
		"func": {"account.payment"}, "elid": {"12"}, "p_num": {"1"}, "p_cnt": {"1000"}, "p_sort": {"id"}, "p_order": {"asc"},
		"filter": {"on"}, "status": {"4"}, "createdate": {"other"}, "createdateend": {"2024-05-31"},
	}, functionParams(s.last(t)))
}

func TestPaymentsGet(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "payment.edit/form_en.xml")

	p, err := c.Payments.Get(context.Background(), 12, 345)
	require.NoError(t, err)

	assert.Equal(t, url.Values{"func": {"payment.edit"}, "plid": {"12"}, "elid": {"345"}}, functionParams(s.last(t)))
	assert.Equal(t, &PaymentDetails{
		ID:               345,
		AccountID:        12,
		Number:           "pfx/345",
		CreateDate:       utcTime(2024, 5, 7, 14, 12, 3),
		PayDate:          utcTime(2024, 5, 8, 9, 30, 0),
		DocumentNumber:   "PP-77",
		DocumentDate:     utcTime(2024, 5, 8, 0, 0, 0),
		Description:      "Payment for hosting",
		Sender:           5,
		SubaccountAmount: decimal.RequireFromString("100.50"),
		UsedAmount:       decimal.RequireFromString("40.25"),
		PaymethodAmount:  decimal.RequireFromString("1.25"),
		CommissionAmount: decimal.RequireFromString("0.75"),
		TaxAmount:        decimal.RequireFromString("16.75"),
		Status:           PaymentCredited,
		Paymethod:        2,
		RestrictRefund:   true,
		Info:             `{"PaymentId": "4373191790"}`,
		Note:             "Checked by accounting",
		Currency:         126,
	}, p)
}

func TestPaymentsCreate(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "payment.edit/ok_create.xml")

	// Every field set: none may be dropped on the way (a plain decimal or time would be).
	id, err := c.Payments.Create(context.Background(), 12, &PaymentParams{
		Number:           Ptr("pfx/347"),
		CreateDate:       DateTimeOf(utcTime(2024, 5, 7, 14, 12, 3)),
		PayDate:          DateTimeOf(utcTime(2024, 5, 8, 9, 30, 0)),
		DocumentNumber:   Ptr("PP-78"),
		DocumentDate:     DateOf(utcTime(2024, 5, 8, 0, 0, 0)),
		Description:      Ptr("Payment for hosting"),
		Sender:           Ptr[int64](5),
		SubaccountAmount: MustDecimal("100.5"),
		UsedAmount:       MustDecimal("0"),
		PaymethodAmount:  MustDecimal("1.25"),
		CommissionAmount: MustDecimal("0.0774"),
		Status:           Ptr(PaymentNew),
		Paymethod:        Ptr[int64](2),
		RestrictRefund:   Ptr(OnOff(false)),
		Info:             Ptr("manual"),
		Note:             Ptr("Paid at the office"),
		Currency:         Ptr[int64](126),
	})
	require.NoError(t, err)

	assert.Equal(t, int64(347), id)
	assert.Equal(t, url.Values{
		"func": {"payment.edit"}, "plid": {"12"}, "sok": {"ok"},
		"number": {"pfx/347"}, "createdate": {"2024-05-07 14:12:03"}, "paydate": {"2024-05-08 09:30:00"},
		"documentnumber": {"PP-78"}, "documentdate": {"2024-05-08"}, "description": {"Payment for hosting"},
		"sender": {"5"}, "subaccountamount": {"100.50"}, "usedamount": {"0.00"}, "paymethodamount": {"1.25"},
		"commissionamount": {"0.0774"}, "status": {"1"}, "paymethod": {"2"}, "restrictrefund": {"off"},
		"info": {"manual"}, "note": {"Paid at the office"}, "currency": {"126"},
	}, functionParams(s.last(t)))
}

func TestPaymentsUpdate(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "payment.edit/ok.xml")

	err := c.Payments.Update(context.Background(), 12, 345, &PaymentParams{
		Note:            Ptr(""), // set to empty: sent, so that the note is cleared
		RestrictRefund:  Ptr(OnOff(true)),
		PaymethodAmount: MustDecimal("2.5"),
	})
	require.NoError(t, err)

	assert.Equal(t, url.Values{
		"func": {"payment.edit"}, "plid": {"12"}, "elid": {"345"}, "sok": {"ok"},
		"note": {""}, "restrictrefund": {"on"}, "paymethodamount": {"2.50"},
	}, functionParams(s.last(t)))
}

func TestPaymentsGroupActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		file string
		call func(*Client) error
		want url.Values
	}{
		{
			name: "SetPaid", file: "payment.setpaid/ok.xml",
			call: func(c *Client) error { return c.Payments.SetPaid(context.Background(), 345, 346) },
			want: url.Values{"func": {"payment.setpaid"}, "elid": {"345, 346"}},
		},
		{
			name: "Send", file: "payment.send/ok.xml",
			call: func(c *Client) error { return c.Payments.Send(context.Background(), 345) },
			want: url.Values{"func": {"payment.send"}, "elid": {"345"}},
		},
		{
			name: "Delete", file: "payment.delete/ok.xml",
			call: func(c *Client) error { return c.Payments.Delete(context.Background(), 346) },
			want: url.Values{"func": {"payment.delete"}, "elid": {"346"}},
		},
		{
			name: "DeleteExpenses", file: "payment.expense.delete/ok.xml",
			call: func(c *Client) error { return c.Payments.DeleteExpenses(context.Background(), 345, 901, 902) },
			want: url.Values{"func": {"payment.expense.delete"}, "plid": {"345"}, "elid": {"901, 902"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, tt.file)
			require.NoError(t, tt.call(c))
			assert.Equal(t, tt.want, functionParams(s.last(t)))
			assert.Len(t, s.requests(), 1, "a write is sent once")
		})
	}
}

func TestPaymentsFilter(t *testing.T) {
	t.Parallel()
	t.Run("GetFilter", func(t *testing.T) {
		t.Parallel()
		c, s := newFixtureStub(t, "account.payment.filter/form_en.xml")

		f, err := c.Payments.GetFilter(context.Background(), 12)
		require.NoError(t, err)

		assert.Equal(t, url.Values{"func": {"account.payment.filter"}, "elid": {"12"}}, functionParams(s.last(t)))
		assert.Equal(t, &PaymentFilter{
			Number:      "pfx/",
			Status:      PaymentCredited,
			Paymethod:   2,
			CreateDate:  "other",
			CreatedFrom: utcTime(2024, 4, 1, 0, 0, 0),
			CreatedTo:   utcTime(2024, 4, 30, 0, 0, 0),
		}, f)
		assert.True(t, f.Active())
	})
	t.Run("GetFilter empty", func(t *testing.T) {
		t.Parallel()
		c, _ := newFixtureStub(t, "account.payment.filter/form_empty_en.xml")

		f, err := c.Payments.GetFilter(context.Background(), 12)
		require.NoError(t, err)

		assert.Equal(t, &PaymentFilter{CreateDate: "nodate"}, f)
		assert.False(t, f.Active())
	})

	emptyFilter := url.Values{
		"func": {"account.payment.filter"}, "elid": {"12"}, "sok": {"ok"},
		"number": {""}, "status": {""}, "paymethod": {""},
		"createdate": {"nodate"}, "createdatestart": {""}, "createdateend": {""}, "payfromdate": {""}, "paytodate": {""},
	}
	tests := []struct {
		name string
		call func(*Client) error
		want url.Values
	}{
		{
			name: "SaveFilter period",
			call: func(c *Client) error {
				return c.Payments.SaveFilter(context.Background(), 12, &PaymentFilter{
					Status:      PaymentNew,
					Paymethod:   2,
					CreatedFrom: utcTime(2024, 4, 1, 0, 0, 0),
					CreatedTo:   utcTime(2024, 4, 30, 0, 0, 0),
					PaidFrom:    utcTime(2024, 4, 2, 0, 0, 0),
				})
			},
			want: url.Values{
				"func": {"account.payment.filter"}, "elid": {"12"}, "sok": {"ok"},
				"number": {""}, "status": {"1"}, "paymethod": {"2"},
				"createdate": {"other"}, "createdatestart": {"2024-04-01"}, "createdateend": {"2024-04-30"},
				"payfromdate": {"2024-04-02"}, "paytodate": {""},
			},
		},
		{
			name: "SaveFilter named period",
			call: func(c *Client) error {
				return c.Payments.SaveFilter(context.Background(), 12, &PaymentFilter{Number: "pfx/3", CreateDate: "currentmonth"})
			},
			want: url.Values{
				"func": {"account.payment.filter"}, "elid": {"12"}, "sok": {"ok"},
				"number": {"pfx/3"}, "status": {""}, "paymethod": {""},
				"createdate": {"currentmonth"}, "createdatestart": {""}, "createdateend": {""}, "payfromdate": {""}, "paytodate": {""},
			},
		},
		{
			name: "SaveFilter empty",
			call: func(c *Client) error { return c.Payments.SaveFilter(context.Background(), 12, &PaymentFilter{}) },
			want: emptyFilter,
		},
		{
			name: "ResetFilter",
			call: func(c *Client) error { return c.Payments.ResetFilter(context.Background(), 12) },
			want: emptyFilter,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, "account.payment.filter/ok.xml")
			require.NoError(t, tt.call(c))
			assert.Equal(t, tt.want, functionParams(s.last(t)))
		})
	}
}

func TestPaymentsRefund(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want int64
	}{
		{"payment.refund/ok.xml", 350},
		{"payment.refund/ok_noid.xml", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, tt.file)

			id, err := c.Payments.Refund(context.Background(), 12, 345,
				&RefundParams{Amount: MustDecimal("100.5"), Description: "Customer request"})
			require.NoError(t, err)

			assert.Equal(t, tt.want, id)
			assert.Equal(t, url.Values{
				"func": {"payment.refund"}, "plid": {"12"}, "elid": {"345"}, "sok": {"ok"},
				"amount": {"100.50"}, "description": {"Customer request"},
			}, functionParams(s.last(t)))
		})
	}
}

func TestPaymentsRefundIsNotRetried(t *testing.T) {
	t.Parallel()
	c, s := newStub(t, []stubReply{{status: http.StatusServiceUnavailable, body: []byte("busy")}})

	_, err := c.Payments.Refund(context.Background(), 12, 345, &RefundParams{Amount: MustDecimal("1")})

	var he *HTTPError
	require.ErrorAs(t, err, &he)
	assert.Equal(t, http.StatusServiceUnavailable, he.StatusCode)
	assert.Len(t, s.requests(), 1, "a refund is sent exactly once")
}

func TestPaymentsHistory(t *testing.T) {
	t.Parallel()
	descs := map[string][2]string{
		"en": {"Status: New → Credited", "Amount: 100.00 → 100.50"},
		"ru": {"Статус: Новый → Зачислен", "Сумма: 100.00 → 100.50"},
	}
	for lang, desc := range descs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, "payment.history/list_"+lang+".xml")

			changes, err := c.Payments.History(context.Background(), 345)
			require.NoError(t, err)

			assert.Equal(t, url.Values{"func": {"payment.history"}, "elid": {"345"}, "p_num": {"1"}, "p_cnt": {"1000"}},
				functionParams(s.last(t)))
			assert.Equal(t, []PaymentChange{
				{ChangeDate: utcTime(2024, 5, 8, 9, 30, 0), Desc: desc[0], User: "admin", IP: "192.0.2.10", Action: "payment.setpaid"},
				{ChangeDate: utcTime(2024, 5, 7, 14, 15, 10), Desc: desc[1], User: "admin", IP: "2001:db8::1", Action: "payment.edit"},
			}, changes)
		})
	}
}

func TestPaymentsExpenses(t *testing.T) {
	t.Parallel()
	names := map[string][2]string{
		"en": {"Virtual server vds-1 (2024-05-01 - 2024-05-31)", "Domain example.com"},
		"ru": {"Виртуальный сервер vds-1 (2024-05-01 - 2024-05-31)", "Домен example.com"},
	}
	for lang, name := range names {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, "payment.expense/list_"+lang+".xml")

			expenses, err := c.Payments.Expenses(context.Background(), 345)
			require.NoError(t, err)

			assert.Equal(t, url.Values{"func": {"payment.expense"}, "elid": {"345"}, "p_num": {"1"}, "p_cnt": {"1000"}},
				functionParams(s.last(t)))
			assert.Equal(t, []PaymentExpense{
				{ID: 901, LocaleName: name[0], Amount: rub("60.25"), Invoice: 31, InvoiceNumber: "A-2024/31"},
				{ID: 902, LocaleName: name[1], Amount: rub("40.25")},
			}, expenses)
		})
	}
}

func TestPaymentsExpenseForm(t *testing.T) {
	t.Parallel()
	t.Run("GetExpense", func(t *testing.T) {
		t.Parallel()
		c, s := newFixtureStub(t, "payment.expense.edit/form_en.xml")

		e, err := c.Payments.GetExpense(context.Background(), 345, 901)
		require.NoError(t, err)

		assert.Equal(t, url.Values{"func": {"payment.expense.edit"}, "plid": {"345"}, "elid": {"901"}}, functionParams(s.last(t)))
		assert.Equal(t, &PaymentExpenseDetails{
			ID:        901,
			PaymentID: 345,
			Expense:   "Virtual server vds-1 (2024-05-01 - 2024-05-31)",
			Amount:    decimal.RequireFromString("60.25"),
		}, e)
	})
	t.Run("AddExpense", func(t *testing.T) {
		t.Parallel()
		c, s := newFixtureStub(t, "payment.expense.edit/ok.xml")

		require.NoError(t, c.Payments.AddExpense(context.Background(), 345, 901, MustDecimal("12.5")))

		assert.Equal(t, url.Values{
			"func": {"payment.expense.edit"}, "plid": {"345"}, "sok": {"ok"}, "expense": {"901"}, "amount": {"12.50"},
		}, functionParams(s.last(t)))
	})
	t.Run("UpdateExpense", func(t *testing.T) {
		t.Parallel()
		c, s := newFixtureStub(t, "payment.expense.edit/ok.xml")

		require.NoError(t, c.Payments.UpdateExpense(context.Background(), 345, 901, MustDecimal("50")))

		assert.Equal(t, url.Values{
			"func": {"payment.expense.edit"}, "plid": {"345"}, "elid": {"901"}, "sok": {"ok"}, "amount": {"50.00"},
		}, functionParams(s.last(t)))
	})
}

func TestPaymentsAdd(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "payment.add/ok.xml")

	added, err := c.As("ivan@example.com").Payments.Add(context.Background(),
		&PaymentAddParams{Amount: MustDecimal("100"), Paymethod: 2, Currency: Ptr[int64](126)})
	require.NoError(t, err)

	assert.Equal(t, &AddedPayment{ID: 348, PaymentURL: s.srv.URL + "/mancgi/sbpayment?elid=348"}, added,
		"the redirect, absolute against the base URL's host")
	form := s.last(t)
	assert.Equal(t, "ivan@example.com", form.Get("su"), "an administrator adds a payment as the client")
	assert.Equal(t, url.Values{
		"func": {"payment.add"}, "sok": {"ok"}, "amount": {"100.00"}, "paymethod": {"2"}, "payment_currency": {"126"},
	}, functionParams(form))
}

func TestPaymentsAddReplies(t *testing.T) {
	t.Parallel()
	reply := func(body string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="payment.add">` + body + `<tparams><func>payment.add</func></tparams></doc>`
	}
	for _, tt := range []struct {
		name, doc, base string
		want            *AddedPayment
		err             error
	}{
		{"the payment page under a base path", reply(`<id>7</id><ok type="url">/mancgi/tinkoffpayment?elid=7</ok><payment_id>7</payment_id>`),
			"/manager/billmgr", &AddedPayment{ID: 7, PaymentURL: "/mancgi/tinkoffpayment?elid=7"}, nil},
		{"an absolute page stays", reply(`<ok type="url">https://pay.example.com/form?order=7</ok><payment_id>7</payment_id>`),
			"", &AddedPayment{ID: 7, PaymentURL: "https://pay.example.com/form?order=7"}, nil},
		{"no redirect", reply(`<ok/><id>8</id>`), "", &AddedPayment{ID: 8}, nil},
		{"a page that is no URL", reply(`<ok type="url">http://[::1</ok><payment_id>9</payment_id>`), "", &AddedPayment{ID: 9}, ErrUnexpectedResponse},
		{"no id", reply(`<ok type="url">/mancgi/x?elid=1</ok>`), "", nil, errNoID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &stub{replies: []stubReply{xmlReply([]byte(tt.doc))}}
			s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
			t.Cleanup(s.srv.Close)
			c, err := NewClient(s.srv.URL+tt.base, WithAuthInfo(testUser, testPassword))
			require.NoError(t, err)
			added, err := c.Payments.Add(context.Background(), &PaymentAddParams{Amount: MustDecimal("1"), Paymethod: 2})
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
			} else {
				assert.NoError(t, err)
			}
			if tt.want != nil && strings.HasPrefix(tt.want.PaymentURL, "/") {
				tt.want.PaymentURL = s.srv.URL + tt.want.PaymentURL
			}
			assert.Equal(t, tt.want, added)
		})
	}
}

func TestPaymentsMethods(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "payment.add.method/form_en.xml")

	methods, err := c.As("ivan@example.com").Payments.Methods(context.Background(),
		&PaymentMethodsParams{Amount: MustDecimal("150"), Currency: Ptr[int64](126)})
	require.NoError(t, err)

	assert.Equal(t, []PaymentMethod{
		{ID: 1, Name: "Bank transfer", Desc: "An invoice to pay from your bank account",
			Image: "/manimg/common/plugin-logo/billmanager-plugin-pmruwire.png", Amount: rub("150.00")},
		{ID: 2, Name: "Bank card", Desc: "Visa, Mastercard, Mir",
			Image: "/manimg/common/plugin-logo/billmanager-plugin-pmtinkoff.png", Amount: rub("150.00")},
		{ID: 3, Name: "Test payment", Desc: "A payment for tests: no money moves",
			Image: "/manimg/common/plugin-logo/billmanager-plugin-pmtestpayment.png", Amount: rub("150.00")},
	}, methods)
	form := s.last(t)
	assert.Equal(t, "ivan@example.com", form.Get("su"), "an administrator lists the methods as the client")
	assert.Equal(t, url.Values{"func": {"payment.add.method"}, "amount": {"150.00"}, "payment_currency": {"126"}},
		functionParams(form), "the form, not submitted")
}

// TestPaymentsMethodsReplies: the recorded form (no method rows) is no method; a row the
// SDK cannot read is ErrUnexpectedResponse; an error is *Error; a failed read is retried.
func TestPaymentsMethodsReplies(t *testing.T) {
	t.Parallel()
	form := func(rows string) stubReply {
		return xmlReply([]byte(`<?xml version="1.0" encoding="UTF-8"?><doc lang="en" func="payment.add.method"><amount>5.00</amount>` +
			`<list name="stored_methodlist"><elem><recurring>9</recurring><name>Card *1234</name></elem></list>` +
			`<list name="methodlist">` + rows + `</list><tparams><func>payment.add.method</func></tparams></doc>`))
	}
	for _, tt := range []struct {
		name    string
		replies []stubReply
		want    []PaymentMethod
		err     error
	}{
		{"the recorded form", []stubReply{xmlReply(fixture(t, "samples/billmgr6_form_payment_add_method_internal.xml"))}, nil, nil},
		{"a method without an amount", []stubReply{form(`<elem><paymethod>7</paymethod><name> Card </name></elem>`)},
			[]PaymentMethod{{ID: 7, Name: "Card"}}, nil},
		{"an amount with a symbol", []stubReply{form(`<elem><paymethod>7</paymethod><amount>5.15 $</amount></elem>`)},
			[]PaymentMethod{{ID: 7, Amount: Money{Amount: decimal.RequireFromString("5.15"), Currency: "$"}}}, nil},
		{"an id that is not a number", []stubReply{form(`<elem><paymethod>card</paymethod></elem>`)}, nil, ErrUnexpectedResponse},
		{"an amount that is not money", []stubReply{form(`<elem><paymethod>7</paymethod><amount>free</amount></elem>`)}, nil, ErrUnexpectedResponse},
		{"an error", []stubReply{xmlReply(fixture(t, "payment.add/error_value.xml"))}, nil, ErrInvalid},
		{"retried after a proxy error", []stubReply{{status: http.StatusBadGateway}, form(`<elem><paymethod>7</paymethod></elem>`)},
			[]PaymentMethod{{ID: 7}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newStub(t, tt.replies)
			methods, err := c.Payments.Methods(context.Background(), &PaymentMethodsParams{Amount: MustDecimal("5")})
			if tt.err != nil {
				assert.ErrorIs(t, err, tt.err)
				assert.True(t, strings.HasPrefix(err.Error(), "billmgr: payment.add.method: "), err.Error())
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, tt.want, methods)
		})
	}
}

func TestPaymentsListOwnRealDocument(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "payment/list_real_ru.xml")

	page, err := c.As("admin2").Payments.ListOwn(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, url.Values{"func": {"payment"}}, functionParams(s.last(t)))
	assert.Equal(t, "admin2", s.last(t).Get("su"))
	assert.Equal(t, 6, page.Total)
	assertRealPayments(t, page.Items)

	_, err = c.Payments.ListOwn(context.Background(), &PaymentListOptions{
		ListOptions: ListOptions{Sort: "id", Order: "asc"}, Status: PaymentInPay, CreatedFrom: DateOf(utcTime(2024, 5, 1, 0, 0, 0))})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"func": {"payment"}, "p_sort": {"id"}, "p_order": {"asc"}, "filter": {"on"}, "status": {"2"},
		"createdate": {"other"}, "createdatestart": {"2024-05-01"}}, functionParams(s.last(t)))

	assertRealPayments(t, collectPayments(t, c.Payments.AllOwn(context.Background(), nil)))
	assert.Equal(t, "payment", s.last(t).Get("func"))
}

func TestPaymentsAddDefaultCurrency(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "payment.add/ok.xml")

	_, err := c.Payments.Add(context.Background(), &PaymentAddParams{Amount: MustDecimal("10.5"), Paymethod: 2})
	require.NoError(t, err)

	form := s.last(t)
	assert.Empty(t, form.Get("su"))
	assert.Equal(t, url.Values{"func": {"payment.add"}, "sok": {"ok"}, "amount": {"10.50"}, "paymethod": {"2"}},
		functionParams(form))
}

func TestPaymentsOrderInfo(t *testing.T) {
	t.Parallel()
	infos := map[string][2]string{
		"en": {"Virtual server vds-1, 1 month", "Setup fee"},
		"ru": {"Виртуальный сервер vds-1, 1 месяц", "Установка"},
	}
	for lang, info := range infos {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, "payment.orderinfo/list_"+lang+".xml")

			lines, err := c.Payments.OrderInfo(context.Background(), 345)
			require.NoError(t, err)

			assert.Equal(t, url.Values{"func": {"payment.orderinfo"}, "elid": {"345"}, "p_num": {"1"}, "p_cnt": {"1000"}},
				functionParams(s.last(t)))
			assert.Equal(t, []OrderLine{
				{ID: 71, Info: info[0], Cost: rub("100.00")},
				{ID: 72, Info: info[1], Cost: rub("0.50")},
			}, lines)
		})
	}
}

func TestPaymentsOrderLineForm(t *testing.T) {
	t.Parallel()
	t.Run("GetOrderLine", func(t *testing.T) {
		t.Parallel()
		c, s := newFixtureStub(t, "payment.orderinfo.edit/form_en.xml")

		l, err := c.Payments.GetOrderLine(context.Background(), 345, 71)
		require.NoError(t, err)

		assert.Equal(t, url.Values{"func": {"payment.orderinfo.edit"}, "plid": {"345"}, "elid": {"71"}}, functionParams(s.last(t)))
		assert.Equal(t, &OrderLineDetails{ID: 71, PaymentID: 345, Name: "Virtual server vds-1, 1 month"}, l)
	})
	t.Run("UpdateOrderLine", func(t *testing.T) {
		t.Parallel()
		c, s := newFixtureStub(t, "payment.orderinfo.edit/ok.xml")

		require.NoError(t, c.Payments.UpdateOrderLine(context.Background(), 345, 71, "VDS vds-1, May 2024"))

		assert.Equal(t, url.Values{
			"func": {"payment.orderinfo.edit"}, "plid": {"345"}, "elid": {"71"}, "sok": {"ok"}, "name": {"VDS vds-1, May 2024"},
		}, functionParams(s.last(t)))
	})
}

func TestPaymentsWriteTicket(t *testing.T) {
	t.Parallel()
	c, s := newFixtureStub(t, "ticket.write.payment/ok.xml")

	id, err := c.Payments.WriteTicket(context.Background(), 345,
		&TicketParams{Subject: "Your payment pfx/345", Message: "Please send the payment order."})
	require.NoError(t, err)

	assert.Equal(t, int64(78), id)
	assert.Equal(t, url.Values{
		"func": {"ticket.write.payment"}, "elid": {"345"}, "sok": {"ok"},
		"subject": {"Your payment pfx/345"}, "message": {"Please send the payment order."},
	}, functionParams(s.last(t)))
}

// typed returns a reply with the given Content-Type.
func typed(contentType string, body []byte) stubReply {
	return stubReply{header: http.Header{"Content-Type": {contentType}}, body: body}
}

func TestPaymentsPrint(t *testing.T) {
	t.Parallel()
	page := fixture(t, "payment.print/page.html")
	t.Run("page", func(t *testing.T) {
		t.Parallel()
		c, s := newStub(t, []stubReply{typed("text/html; charset=UTF-8", page)})

		got, err := c.Payments.Print(context.Background(), 345)
		require.NoError(t, err)

		assert.Equal(t, string(page), got)
		assert.Equal(t, url.Values{"func": {"payment.print"}, "elid": {"345"}}, functionParams(s.last(t)))
	})
	t.Run("page without a content type", func(t *testing.T) {
		t.Parallel()
		c, _ := newStub(t, []stubReply{typed("application/octet-stream", page)})

		got, err := c.Payments.Print(context.Background(), 345)
		require.NoError(t, err)
		assert.Equal(t, string(page), got)
	})
	t.Run("retried like a read", func(t *testing.T) {
		t.Parallel()
		c, s := newStub(t, []stubReply{{status: http.StatusBadGateway}, typed("text/html", page)})

		got, err := c.Payments.Print(context.Background(), 345)
		require.NoError(t, err)
		assert.Equal(t, string(page), got)
		assert.Len(t, s.requests(), 2)
	})
	t.Run("too large", func(t *testing.T) {
		t.Parallel()
		big := append([]byte("<html><body>"), bytes.Repeat([]byte("<p>line</p>\n"), 200)...)
		c, _ := newStub(t, []stubReply{typed("text/html", big)}, WithMaxResponseBytes(1024))

		_, err := c.Payments.Print(context.Background(), 345)
		assert.ErrorIs(t, err, errTooLarge)
	})
	unexpected := map[string]stubReply{
		"pdf":        typed("application/pdf", fixture(t, "payment.print.pdf/invoice.pdf")),
		"json":       typed("application/json", []byte(`{"doc":{}}`)),
		"empty":      typed("text/html", nil),
		"ok doc":     xmlReply(fixture(t, "payment.send/ok.xml")),
		"plain text": typed("text/plain", []byte("Service unavailable")),
	}
	for name, reply := range unexpected {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, _ := newStub(t, []stubReply{reply})
			_, err := c.Payments.Print(context.Background(), 345)
			assert.ErrorIs(t, err, ErrUnexpectedResponse)
		})
	}
}

// trackedBody is a response body that records whether it was closed.
type trackedBody struct {
	io.Reader
	closed atomic.Bool
}

func (b *trackedBody) Close() error {
	b.closed.Store(true)
	return nil
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// newBodyTracker returns a client whose single reply has the given Content-Type and body,
// and that body, to check who closes it.
func newBodyTracker(t *testing.T, contentType string, body []byte) (*Client, *trackedBody) {
	t.Helper()
	tb := &trackedBody{Reader: bytes.NewReader(body)}
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{
			StatusCode: http.StatusOK, Status: "200 OK", Request: r,
			Header: http.Header{"Content-Type": {contentType}}, Body: tb,
		}, nil
	})}
	c, err := NewClient("https://billing.example.com", WithAuthInfo(testUser, testPassword), WithHTTPClient(hc))
	require.NoError(t, err)
	return c, tb
}

func TestPaymentsPDF(t *testing.T) {
	t.Parallel()
	pdf := fixture(t, "payment.print.pdf/invoice.pdf")
	t.Run("streamed", func(t *testing.T) {
		t.Parallel()
		c, s := newStub(t, []stubReply{typed("application/pdf", pdf)})

		rc, err := c.Payments.PDF(context.Background(), 345)
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())

		assert.Equal(t, pdf, got)
		assert.Equal(t, url.Values{"func": {"payment.print.pdf"}, "elid": {"345"}}, functionParams(s.last(t)))
	})
	t.Run("larger than the transport's buffers", func(t *testing.T) {
		t.Parallel()
		// A body of megabytes is still arriving when PDF returns: the request lives on
		// until the caller closes it.
		big := append(append([]byte(nil), pdf...), bytes.Repeat([]byte("% padding of a large PDF\n"), 4<<20/25)...)
		c, _ := newStub(t, []stubReply{typed("application/pdf", big)})

		rc, err := c.Payments.PDF(context.Background(), 345)
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		assert.Equal(t, len(big), len(got))
		assert.True(t, bytes.Equal(big, got))
	})
	t.Run("retried until handed over", func(t *testing.T) {
		t.Parallel()
		c, s := newStub(t, []stubReply{{status: http.StatusServiceUnavailable}, typed("application/pdf", pdf)})

		rc, err := c.Payments.PDF(context.Background(), 345)
		require.NoError(t, err)
		defer rc.Close()
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		assert.Equal(t, pdf, got)
		assert.Len(t, s.requests(), 2)
	})
	t.Run("the caller closes the body", func(t *testing.T) {
		t.Parallel()
		c, body := newBodyTracker(t, "application/pdf", pdf)

		rc, err := c.Payments.PDF(context.Background(), 345)
		require.NoError(t, err)
		assert.False(t, body.closed.Load(), "the body is handed over open")
		got, err := io.ReadAll(rc)
		require.NoError(t, err)
		assert.Equal(t, pdf, got)
		require.NoError(t, rc.Close())
		assert.True(t, body.closed.Load())
	})
	failures := []struct {
		name        string
		contentType string
		body        []byte
		want        error
	}{
		{"error document", "text/xml", fixture(t, "payment.print.pdf/error_access.xml"), ErrAccess},
		{"html page", "text/html", fixture(t, "payment.print/page.html"), ErrUnexpectedResponse},
		{"ok document", "text/xml", fixture(t, "payment.send/ok.xml"), ErrUnexpectedResponse},
		{"empty", "application/pdf", nil, ErrUnexpectedResponse},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, body := newBodyTracker(t, tt.contentType, tt.body)

			rc, err := c.Payments.PDF(context.Background(), 345)

			assert.Nil(t, rc)
			assert.ErrorIs(t, err, tt.want)
			assert.True(t, body.closed.Load(), "a refused reply's body is closed")
		})
	}
}

func TestPaymentsErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		file     string
		call     func(*Client) error
		fn, typ  string
		object   string
		sentinel error
	}{
		{
			file: "account.payment/error_missed.xml", fn: "account.payment", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error { _, err := c.Payments.List(ctx, 999999, nil); return err },
		},
		{
			file: "account.payment/error_missed.xml", fn: "account.payment", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error {
				for _, err := range c.Payments.All(ctx, 999999, nil) {
					return err
				}
				return nil
			},
		},
		{
			file: "payment.edit/error_value.xml", fn: "payment.edit", typ: "value", object: "subaccountamount", sentinel: ErrInvalid,
			call: func(c *Client) error { _, err := c.Payments.Get(ctx, 12, 345); return err },
		},
		{
			file: "payment.edit/error_value.xml", fn: "payment.edit", typ: "value", object: "subaccountamount", sentinel: ErrInvalid,
			call: func(c *Client) error {
				_, err := c.Payments.Create(ctx, 12, &PaymentParams{SubaccountAmount: MustDecimal("1")})
				return err
			},
		},
		{
			file: "payment.edit/error_value.xml", fn: "payment.edit", typ: "value", object: "subaccountamount", sentinel: ErrInvalid,
			call: func(c *Client) error { return c.Payments.Update(ctx, 12, 345, &PaymentParams{Note: Ptr("x")}) },
		},
		{
			file: "payment.setpaid/error_access.xml", fn: "payment.setpaid", typ: "access", object: "payment.setpaid", sentinel: ErrAccess,
			call: func(c *Client) error { return c.Payments.SetPaid(ctx, 345) },
		},
		{
			file: "payment.send/error_missed.xml", fn: "payment.send", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error { return c.Payments.Send(ctx, 999999) },
		},
		{
			file: "payment.delete/error_value_status.xml", fn: "payment.delete", typ: "value", object: "status", sentinel: ErrInvalid,
			call: func(c *Client) error { return c.Payments.Delete(ctx, 345) },
		},
		{
			file: "account.payment.filter/error_value.xml", fn: "account.payment.filter", typ: "value", object: "createdatestart", sentinel: ErrInvalid,
			call: func(c *Client) error { _, err := c.Payments.GetFilter(ctx, 12); return err },
		},
		{
			file: "account.payment.filter/error_value.xml", fn: "account.payment.filter", typ: "value", object: "createdatestart", sentinel: ErrInvalid,
			call: func(c *Client) error { return c.Payments.SaveFilter(ctx, 12, &PaymentFilter{Number: "1"}) },
		},
		{
			file: "account.payment.filter/error_value.xml", fn: "account.payment.filter", typ: "value", object: "createdatestart", sentinel: ErrInvalid,
			call: func(c *Client) error { return c.Payments.ResetFilter(ctx, 12) },
		},
		{
			file: "payment.refund/error_value_amount.xml", fn: "payment.refund", typ: "value", object: "amount", sentinel: ErrInvalid,
			call: func(c *Client) error {
				_, err := c.Payments.Refund(ctx, 12, 345, &RefundParams{Amount: MustDecimal("500")})
				return err
			},
		},
		{
			file: "payment.history/error_missed.xml", fn: "payment.history", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error { _, err := c.Payments.History(ctx, 999999); return err },
		},
		{
			file: "payment.print/error_missed.xml", fn: "payment.print", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error { _, err := c.Payments.Print(ctx, 999999); return err },
		},
		{
			file: "payment.print.pdf/error_access.xml", fn: "payment.print.pdf", typ: "access", object: "payment.print.pdf", sentinel: ErrAccess,
			call: func(c *Client) error { _, err := c.Payments.PDF(ctx, 345); return err },
		},
		{
			file: "payment.expense/error_missed.xml", fn: "payment.expense", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error { _, err := c.Payments.Expenses(ctx, 999999); return err },
		},
		{
			file: "payment.expense.edit/error_value.xml", fn: "payment.expense.edit", typ: "value", object: "amount", sentinel: ErrInvalid,
			call: func(c *Client) error { _, err := c.Payments.GetExpense(ctx, 345, 901); return err },
		},
		{
			file: "payment.expense.edit/error_value.xml", fn: "payment.expense.edit", typ: "value", object: "amount", sentinel: ErrInvalid,
			call: func(c *Client) error { return c.Payments.UpdateExpense(ctx, 345, 901, MustDecimal("1000")) },
		},
		{
			file: "payment.expense.delete/error_missed.xml", fn: "payment.expense.delete", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error { return c.Payments.DeleteExpenses(ctx, 345, 999999) },
		},
		{
			file: "payment.add/error_value.xml", fn: "payment.add", typ: "value", object: "paymethod", sentinel: ErrInvalid,
			call: func(c *Client) error {
				_, err := c.Payments.Add(ctx, &PaymentAddParams{Amount: MustDecimal("1"), Paymethod: 99})
				return err
			},
		},
		{
			file: "payment.orderinfo/error_missed.xml", fn: "payment.orderinfo", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error { _, err := c.Payments.OrderInfo(ctx, 999999); return err },
		},
		{
			file: "payment.orderinfo.edit/error_value.xml", fn: "payment.orderinfo.edit", typ: "value", object: "name", sentinel: ErrInvalid,
			call: func(c *Client) error { _, err := c.Payments.GetOrderLine(ctx, 345, 71); return err },
		},
		{
			file: "payment.orderinfo.edit/error_value.xml", fn: "payment.orderinfo.edit", typ: "value", object: "name", sentinel: ErrInvalid,
			call: func(c *Client) error { return c.Payments.UpdateOrderLine(ctx, 345, 71, "x") },
		},
		{
			file: "ticket.write.payment/error_missed.xml", fn: "ticket.write.payment", typ: "missed", object: "elid", sentinel: ErrNotFound,
			call: func(c *Client) error {
				_, err := c.Payments.WriteTicket(ctx, 999999, &TicketParams{Subject: "s", Message: "m"})
				return err
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.fn+"/"+tt.file, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, tt.file)

			err := tt.call(c)

			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.fn, apiErr.Func)
			assert.Equal(t, tt.typ, apiErr.Type)
			assert.Equal(t, tt.object, apiErr.Object)
			assert.NotEmpty(t, apiErr.Msg)
			assert.NotEmpty(t, apiErr.Detail)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.fn, s.last(t).Get("func"))
			assertNoSecret(t, err.Error(), "2f6a1b9c7d3e4f5a6b7c8d9e")
		})
	}
}

func TestPaymentsBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	amount := MustDecimal("1")
	tests := map[string]func(*Client) error{
		"List account 0": func(c *Client) error { _, err := c.Payments.List(ctx, 0, nil); return err },
		"All account -1": func(c *Client) error { return collectErr(c.Payments.All(ctx, -1, nil)) },
		"List bad date": func(c *Client) error {
			_, err := c.Payments.List(ctx, 12, &PaymentListOptions{CreatedFrom: DateOf(utcTime(1960, 1, 1, 0, 0, 0))})
			return err
		},
		"Get account 0":  func(c *Client) error { _, err := c.Payments.Get(ctx, 0, 345); return err },
		"Get payment 0":  func(c *Client) error { _, err := c.Payments.Get(ctx, 12, 0); return err },
		"Create account": func(c *Client) error { _, err := c.Payments.Create(ctx, 0, &PaymentParams{}); return err },
		"Create nil":     func(c *Client) error { _, err := c.Payments.Create(ctx, 12, nil); return err },
		"Update payment": func(c *Client) error { return c.Payments.Update(ctx, 12, -5, &PaymentParams{}) },
		"Update nil":     func(c *Client) error { return c.Payments.Update(ctx, 12, 345, nil) },
		"SetPaid no ids": func(c *Client) error { return c.Payments.SetPaid(ctx) },
		"SetPaid bad id": func(c *Client) error { return c.Payments.SetPaid(ctx, 345, 0) },
		"Send no ids":    func(c *Client) error { return c.Payments.Send(ctx) },
		"Delete bad id":  func(c *Client) error { return c.Payments.Delete(ctx, -1) },
		"GetFilter 0":    func(c *Client) error { _, err := c.Payments.GetFilter(ctx, 0); return err },
		"SaveFilter 0":   func(c *Client) error { return c.Payments.SaveFilter(ctx, 0, &PaymentFilter{}) },
		"SaveFilter nil": func(c *Client) error { return c.Payments.SaveFilter(ctx, 12, nil) },
		"ResetFilter 0":  func(c *Client) error { return c.Payments.ResetFilter(ctx, 0) },
		"Refund nil":     func(c *Client) error { _, err := c.Payments.Refund(ctx, 12, 345, nil); return err },
		"Refund no amount": func(c *Client) error {
			_, err := c.Payments.Refund(ctx, 12, 345, &RefundParams{Description: "x"})
			return err
		},
		"Refund zero": func(c *Client) error {
			_, err := c.Payments.Refund(ctx, 12, 345, &RefundParams{Amount: MustDecimal("0")})
			return err
		},
		"Refund account": func(c *Client) error {
			_, err := c.Payments.Refund(ctx, 0, 345, &RefundParams{Amount: amount})
			return err
		},
		"Refund payment": func(c *Client) error {
			_, err := c.Payments.Refund(ctx, 12, 0, &RefundParams{Amount: amount})
			return err
		},
		"History 0":       func(c *Client) error { _, err := c.Payments.History(ctx, 0); return err },
		"Print 0":         func(c *Client) error { _, err := c.Payments.Print(ctx, 0); return err },
		"PDF 0":           func(c *Client) error { _, err := c.Payments.PDF(ctx, -2); return err },
		"Expenses 0":      func(c *Client) error { _, err := c.Payments.Expenses(ctx, 0); return err },
		"GetExpense 0":    func(c *Client) error { _, err := c.Payments.GetExpense(ctx, 345, 0); return err },
		"UpdateExpense 0": func(c *Client) error { return c.Payments.UpdateExpense(ctx, 0, 901, amount) },
		"AddExpense 0":    func(c *Client) error { return c.Payments.AddExpense(ctx, 345, 0, amount) },
		"AddExpense nil":  func(c *Client) error { return c.Payments.AddExpense(ctx, 345, 901, nil) },
		"UpdateExpense nil amount": func(c *Client) error {
			return c.Payments.UpdateExpense(ctx, 345, 901, nil)
		},
		"DeleteExpenses payment 0": func(c *Client) error { return c.Payments.DeleteExpenses(ctx, 0, 901) },
		"DeleteExpenses no ids":    func(c *Client) error { return c.Payments.DeleteExpenses(ctx, 345) },
		"Add nil":                  func(c *Client) error { _, err := c.Payments.Add(ctx, nil); return err },
		"Add no amount": func(c *Client) error {
			_, err := c.Payments.Add(ctx, &PaymentAddParams{Paymethod: 2})
			return err
		},
		"Add no paymethod": func(c *Client) error {
			_, err := c.Payments.Add(ctx, &PaymentAddParams{Amount: amount})
			return err
		},
		"Methods nil": func(c *Client) error { _, err := c.Payments.Methods(ctx, nil); return err },
		"Methods no amount": func(c *Client) error {
			_, err := c.Payments.Methods(ctx, &PaymentMethodsParams{Currency: Ptr[int64](126)})
			return err
		},
		"Methods zero amount": func(c *Client) error {
			_, err := c.Payments.Methods(ctx, &PaymentMethodsParams{Amount: MustDecimal("0")})
			return err
		},
		"Methods negative amount": func(c *Client) error {
			_, err := c.Payments.Methods(ctx, &PaymentMethodsParams{Amount: MustDecimal("-5")})
			return err
		},
		"OrderInfo 0":     func(c *Client) error { _, err := c.Payments.OrderInfo(ctx, 0); return err },
		"GetOrderLine 0":  func(c *Client) error { _, err := c.Payments.GetOrderLine(ctx, 0, 71); return err },
		"UpdateOrderLine": func(c *Client) error { return c.Payments.UpdateOrderLine(ctx, 345, 0, "x") },
		"UpdateOrderLine empty": func(c *Client) error {
			return c.Payments.UpdateOrderLine(ctx, 345, 71, "")
		},
		"UpdateOrderLine UTF-8": func(c *Client) error {
			return c.Payments.UpdateOrderLine(ctx, 345, 71, "bad \xff")
		},
		"WriteTicket 0": func(c *Client) error {
			_, err := c.Payments.WriteTicket(ctx, 0, &TicketParams{Subject: "s"})
			return err
		},
		"WriteTicket nil": func(c *Client) error { _, err := c.Payments.WriteTicket(ctx, 345, nil); return err },
	}
	for name, call := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, s := newFixtureStub(t, "payment.send/ok.xml")

			err := call(c)

			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), "billmgr: "), err.Error())
			assert.Empty(t, s.requests(), "bad input is refused before anything is sent")
		})
	}
}

// collectErr drains seq and returns its first error.
func collectErr(seq func(func(Payment, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return errors.New("no error")
}
