package billmgrtest

import "regexp"

// The payment methods of the fake's installation, and the step of the client's payment
// wizard that lists them (payment.add.method), as a form: the recorded BILLmanager 6 form
// (billmgr6_form_payment_add_method_internal.xml), with the rows of its method list,
// which the recording does not show, in the fake's own shape.

// paymethod is a payment method: its id and name, the payment module that serves it, the
// page of the module a client is sent to (/mancgi/PAGE?elid=ID), and the text the method
// list shows beside its name.
type paymethod struct {
	entry
	module, page string
	desc         text
}

// paymethods are the payment methods, the first the default of a new payment. The modules
// pmtinkoff and pmtestpayment and the page tinkoffpayment are recorded; the other modules
// and pages, and the descriptions, are the fake's.
var paymethods = []paymethod{
	{entry{1, text{"Bank transfer", "Безналичный расчет"}}, "pmruwire", "ruwirepayment",
		text{"An invoice to pay from your bank account", "Счет для оплаты с банковского счета"}},
	{entry{2, text{"Bank card", "Банковская карта"}}, "pmtinkoff", "tinkoffpayment",
		text{"Visa, Mastercard, Mir", "Visa, Mastercard, МИР"}},
	{entry{3, text{"Test payment", "Тестовый платеж"}}, "pmtestpayment", "testpayment",
		text{"A payment for tests: no money moves", "Платеж для проверки: деньги не списываются"}},
}

var paymethodOptions = directoryOptions(paymethods)

// paymethodByID returns the payment method id; the zero paymethod if there is none.
func paymethodByID(id int64) paymethod {
	for _, m := range paymethods {
		if m.id == id {
			return m
		}
	}
	return paymethod{}
}

// methodFormMessages follow formMessages in the messages of payment.add.method: the
// recorded form's own texts, in the recorded order; the Russian ones are the recorded
// ones, the English ones the fake's (except those the recording carries in English).
var methodFormMessages = []message{
	{name: "module_description", text: text{
		"Pay for the services in your cart, or top up your personal account and use the money to order or renew services without paying each time.",
		"С помощью данной функции можно оплатить услуги находящиеся в корзине, либо просто пополнить лицевой счет и в дальнейшем использовать эти деньги для заказа или продления услуг, не проходя каждый раз процедуру оплаты."}},
	{name: "msg_fromsubaccount", text: text{"Pay", "Оплатить"}},
	{name: "msg_topaysystem", text: text{"Pay", "Оплатить"}},
	{name: "msg_createprofile", text: text{"Pay", "Оплатить"}},
	{name: "msg_payrecurring", text: text{"Pay", "Оплатить"}},
	{name: "msg_paystoredmethod", text: text{"Pay", "Оплатить"}},
	{name: "msg_withoutpay", text: text{"Next", "Далее"}},
	{name: "msg_nopaymentminamount", text: text{"Unavailable", "Недоступно"}},
	{name: "msg_nopaymentmaxamount", text: text{"Unavailable", "Недоступно"}},
	{name: "minamount_desc", text: text{"The least payment is __amount__ __iso__", "Минимальная сумма платежа __amount__ __iso__"}},
	{name: "maxamount_desc", text: text{"The largest payment is __amount__ __iso__", "Максимальная сумма платежа __amount__ __iso__"}},
	{name: "hint_createprofile", text: text{"Go to the payment", "Перейти к оплате"}},
	{name: "hint_withoutpay", text: text{"Go on with the payment", "Продолжить оформление платежа"}},
	{name: "hint_topaysystem", text: text{"Go to the payment. The payment page opens in a new window", "Перейти к оплате. Форма оплаты будет открыта в новом окне"}},
	{name: "hint_nopaymentminamount", text: text{"The amount is less than this method accepts", "Сумма платежа меньше, чем разрешенная для оплаты данным способом"}},
	{name: "hint_nopaymentmaxamount", text: text{"The amount is more than this method accepts", "Сумма платежа больше, чем разрешенная для оплаты данным способом"}},
	{name: "msg_error_payment_payd", text: text{"The payment is made. You may close the form.", "Платеж уже совершен. Можете закрыть форму."}},
	{name: "wizard_title", text: text{"Choose a payment method", "Выбор метода оплаты"}},
	{name: "msg_continue", text: text{"Continue", "Продолжить"}},
	{name: "title", text: text{"Payment", "Оплата"}},
	{name: "msg_basket_back", text: text{"<< Back", "<< Назад"}},
	{name: "subaccount_msg", text: text{"Personal account (__balance__)", "Лицевой счет (__balance__)"}},
	{name: "hint_amount", text: text{"The amount to top up the balance with, in the currency given, without commissions", "Сумма пополнения баланса в указанной валюте без учета возможных комиссий"}},
	{name: "msg_error_no_paymethod", text: text{"No payment method is available", "Отсутствуют доступные методы оплаты"}},
	{name: "payment_amount", text: text{"Payment amount", "Сумма платежа"}},
	{name: "payment_amount_from", text: text{"from __amount__&nbsp;__currency__", "от __amount__&nbsp;__currency__"}},
	{name: "payment_amount_to", text: text{"to __amount__&nbsp;__currency__", "до __amount__&nbsp;__currency__"}},
	{name: "payment_commission", text: text{"Commission", "Комиссия"}},
	{name: "payment_commission_amount", text: text{"__amount__&nbsp;__currency__", "__amount__&nbsp;__currency__"}},
	{name: "payment_commission_percent", text: text{"__amount__%", "__amount__%"}},
	{name: "create_payment", text: text{"Pay&nbsp;__amount__&nbsp;__currency__", "К&nbsp;оплате&nbsp;__amount__&nbsp;__currency__"}},
	{name: "msg_error_not_available_paymethod", text: text{"The payment method chosen is not available", "Выбранный метод оплаты недоступен"}},
	{name: "storable_paymethod", text: text{"Save the payment method", "Сохранить метод оплаты"}},
	{name: "binding_paymethod", text: text{"Use for automatic payments on renewal", "Использовать для автоплатежа при продлении"}},
	{name: "methodlist_page", text: text{"Payment methods", "Методы оплаты"}},
	{name: "stored_methodlist_page", text: text{"Saved payment methods", "Сохраненные способы оплаты"}},
	{"eu_vat_valid", text{"<i>EU VAT-number is verified and valid.</i>", "<i>EU VAT-number is verified and valid.</i>"}, "lang"},
	{"eu_vat_invalid", text{
		`Cannot verify the EU VAT-number. If you are sure it is correct, click 'Pay' to make a payment, and send a ticket to the Customer support service wit the subject "VAT_number verification".`,
		`Cannot verify the EU VAT-number. If you are sure it is correct, click 'Pay' to make a payment, and send a ticket to the Customer support service wit the subject "VAT_number verification".`}, "lang"},
	{"amount", text{"Amount", "Сумма"}, "common"},
}

// methodFormMetadata is the recorded metadata of payment.add.method: the amount and its
// currency, the list of the client's stored methods and the list of payment methods.
func methodFormMetadata(fn string) *node {
	hidden := func(name string) *node { return el("input", "").attr("type", "hidden").attr("name", name) }
	col := func(name, typ string, attrs ...attr) *node {
		return &node{name: "col", attrs: append([]attr{{"name", name}, {"type", typ}}, attrs...)}
	}
	page := func(name string, field *node) *node {
		return el("page", "").attr("name", name).add(field)
	}
	list := func(name, key string, cols ...*node) *node {
		return el("field", "").attr("name", name).attr("noname", "yes").add(
			el("list", "").attr("name", name).attr("key", key).add(cols...))
	}
	image := col("image", "img", attr{"width", "32px"}, attr{"height", "32px"})
	desc := col("desc", "data", attr{"align", "left"})
	amount := col("amount", "data", attr{"align", "right"})
	action := col("action", "button", attr{"align", "right"})
	form := el("form", "").attr("title", "name").attr("nosubmit", "yes").attr("nocancel", "yes").attr("nonext", "yes").add(
		page("amount_page", el("field", "").attr("name", "amount").attr("fixed", "yes").add(
			el("input", "").attr("type", "text").attr("checkargs", "0.01,").attr("check", "money").attr("required", "yes").
				attr("setvalues", "blocking").attr("name", "amount").attr("maxlength", "13").attr("mask", "9{1,10}[.99]"),
			el("select", "").attr("name", "payment_currency").attr("setvalues", "blocking"),
			el("desc", "").attr("name", "amount_iso"),
			hidden("billorder"), hidden("paymentupload"), hidden("randomnumber"), hidden("payment_currency"),
			hidden("project"), hidden("customer_account"))),
		page("stored_methodlist_page", list("stored_methodlist", "recurring",
			image, col("paymethod_name", "data", attr{"width", "24%"}), col("name", "data", attr{"width", "24%"}), desc, amount, action)),
		page("methodlist_page", list("methodlist", "paymethod",
			image, col("name", "data", attr{"width", "48%"}), desc, amount, action)),
		el("buttons", ""))
	return el("metadata", "").attr("name", fn).attr("type", "form").attr("mgr", "billmgr").attr("selficon", "finance").
		attr("sprite", "yes").attr("spritesvg", "yes").attr("decorated", "yes").add(form)
}

var methodFormFields = []field{
	{name: "amount", kind: kindPositive},
	{name: "payment_currency", kind: kindSelect, options: currencyOptions},
}

// amountMask is what the recorded amount input lets a client type (mask="9{1,10}[.99]"):
// up to 10 digits, and up to two decimals.
var amountMask = regexp.MustCompile(`^[0-9]{1,10}(\.[0-9]{1,2})?$`)

var (
	// whyFormOnly refuses a submit of payment.add.method (snext, as the recorded wizard
	// sends it, or sok), whose recorded reply the fake does not write.
	whyFormOnly = reason{"form_only", text{"The fake shows this step of the payment wizard only: pay with payment.add", "Фейк показывает только этот шаг мастера оплаты: оплатите через payment.add"}}
	// whyAmountMask refuses an amount the recorded input's mask does not let through.
	whyAmountMask = reason{"amount_mask", text{"Enter at most 10 digits before the dot and 2 after it, like 100.50", "Введите не более 10 цифр до точки и 2 после нее, например 100.50"}}
)

// paymentMethodsForm serves payment.add.method without a submit: the client's payment
// wizard at the choice of the method. After the recorded form's metadata, messages and
// values (the currency as the recorded submitted form shows it: an slist of the client's
// currencies, labelled by id, and payment_currency last; <amount/> empty, as the recorded
// form leaves it after an amount was sent) comes, once an amount is sent,
// <list name="methodlist"> with an <elem> per payment method: paymethod, image, name, desc,
// amount, what the client pays with the method (the fake's methods take no commission: the
// amount sent, in the currency), and action, the button the method's row offers
// (topaysystem: each of the fake's methods has a payment page). Without an amount the
// form has no rows, as the recorded one. The rows and where the list stands are the
// fake's choice. The amount is held to the recorded input's mask (amountMask). A submit is
// refused: snext, as the recorded wizard submits this step, with value(snext); sok with
// value(sok).
func paymentMethodsForm(c *call) (*reply, error) {
	a, err := c.payer()
	if err != nil {
		return nil, err
	}
	for _, submit := range []string{"snext", "sok"} {
		if v := c.params.Get(submit); v != "" {
			return nil, invalid(submit, v, whyFormOnly)
		}
	}
	vals, err := c.read(methodFormFields, false)
	if err != nil {
		return nil, err
	}
	sum := vals["amount"]
	if sum != "" && !amountMask.MatchString(sum) {
		return nil, invalid("amount", sum, whyAmountMask)
	}
	sa, err := c.subaccountIn(a, vals["payment_currency"], "payment_currency")
	if err != nil {
		return nil, err
	}
	currencies := el("slist", "").attr("name", "payment_currency")
	for _, s := range a.subs {
		currencies.add(el("val", idString(s.currency.id)).attr("key", idString(s.currency.id)))
	}
	head := []*node{methodFormMetadata(c.fn), c.messages(formMessages, methodFormMessages), currencies}
	if plid, sent := c.params["plid"]; sent {
		head = append(head, el("plid", plid[0]))
	}
	for _, name := range []string{"amount", "billorder", "paymentupload", "randomnumber", "project", "customer_account"} {
		head = append(head, el(name, ""))
	}
	head = append(head, el("payment_currency", idString(sa.currency.id)))
	if sum == "" {
		return &reply{kind: stepDoc, head: head}, nil
	}

	methods := el("list", "").attr("name", "methodlist")
	for _, m := range paymethods {
		methods.add(el("elem", "").add(
			idNode("paymethod", m.id),
			el("image", "/manimg/common/plugin-logo/billmanager-plugin-"+m.module+".png"),
			el("name", m.name.in(c.lang)),
			el("desc", m.desc.in(c.lang)),
			el("amount", c.st.money(dec(sum), sa.currency)),
			el("action", "topaysystem")))
	}
	return &reply{kind: stepDoc, head: append(head, methods)}, nil
}
