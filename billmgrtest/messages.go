package billmgrtest

import (
	"fmt"
	"strconv"
)

// text is a message in the two languages the fake speaks.
type text struct{ en, ru string }

// in returns the message in lang ("ru" or anything else for English),
// formatted with args when there are any.
func (t text) in(lang string, args ...any) string {
	s := t.en
	if lang == "ru" {
		s = t.ru
	}
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	return s
}

// status is a localized code: the label of a column that carries orig.
type status struct {
	label text
	color string
}

// paymentStatuses are the payment statuses: the Russian labels are the recorded ones
// (status_N of the payment list's messages), the English ones invented (status 2 takes the
// older vendor reference's "payment in progress"). Only green for 4 and cyan for 2 are
// recorded colours; the others are the fake's choice.
var paymentStatuses = map[int]status{
	1:   {text{"New", "Новый"}, "blue"},
	2:   {text{"Payment in progress", "Оплачивается"}, "cyan"},
	3:   {text{"Promised", "Обещанный платеж"}, "yellow"},
	4:   {text{"Credited", "Зачислен"}, "green"},
	5:   {text{"Awaiting refund", "Ожидает возврата"}, "yellow"},
	6:   {text{"Refunded", "Возвращен"}, "gray"},
	7:   {text{"Fraudulent", "Мошеннический"}, "red"},
	8:   {text{"Initiated", "Инициирован"}, "blue"},
	9:   {text{"Cancelled", "Отменен"}, "red"},
	100: {text{"Being deleted", "Удаляется"}, "red"},
}

// paymentStatusCodes lists the payment status codes in display order.
var paymentStatusCodes = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}

var accountStatuses = map[int]status{
	1: {text{"Active", "Активен"}, "green"},
	2: {text{"Suspended", "Остановлен"}, "red"},
	3: {text{"Deleted", "Удален"}, "gray"},
}

var subaccountStatuses = map[int]status{
	1: {text{"Active", "Активен"}, "green"},
	2: {text{"Suspended", "Остановлен"}, "red"},
}

var switchStatuses = map[bool]status{
	true:  {text{"Enabled", "Включен"}, "green"},
	false: {text{"Disabled", "Выключен"}, "red"},
}

// fieldLabels are the names of fields: the <msg> of each field of a form, and the msg
// attribute of <param name="object"> in errors. The Russian labels are the recorded ones
// where a recording has the field (the payment filter form, the value error's elid),
// else the vendor's reference page's descriptions shortened; the English ones are
// invented. Fields not listed show their name.
var fieldLabels = map[string]text{
	"elid":                {"Id", "Идентификатор элемента"},
	"plid":                {"Parent id", "Идентификатор родительского элемента"},
	"func":                {"Function", "Функция"},
	"out":                 {"Output format", "Формат вывода"},
	"body":                {"Request body", "Тело запроса"},
	"su":                  {"User", "Пользователь"},
	"username":            {"User", "Пользователь"},
	"key":                 {"Key", "Ключ"},
	"email":               {"E-mail", "E-mail"},
	"verify_email":        {"Verify the e-mail", "Подтвердить e-mail"},
	"passwd":              {"Password", "Пароль"},
	"confirm":             {"Confirmation", "Подтверждение"},
	"realname":            {"Contact person", "Контактное лицо"},
	"name":                {"Name", "Наименование"},
	"phone":               {"Phone", "Номер телефона"},
	"conditions_agree":    {"I accept the terms of use", "Принимаю условия использования"},
	"country":             {"Country", "Страна"},
	"state":               {"Region", "Регион"},
	"project":             {"Provider", "Провайдер"},
	"recovery":            {"Send a password reset link", "Отправить ссылку на сброс пароля"},
	"_ga":                 {"Google Analytics id", "Код Google Analytics"},
	"partner":             {"Partner", "Код партнера"},
	"sesid":               {"Referral click id", "Идентификатор клика"},
	"tzoffset":            {"Time zone offset", "Смещение часового пояса"},
	"settingurl":          {"Settings URL", "URL настроек"},
	"valid_phone":         {"Verified phone", "Проверенный номер телефона"},
	"try_phone":           {"Phone", "Номер телефона"},
	"label":               {"Label", "Метка"},
	"selfview":            {"Own name space", "Свое пространство имен"},
	"products_page":       {"Page", "Страница"},
	"registration_date":   {"Registration date", "Дата регистрации"},
	"registration_ip":     {"Registration IP address", "IP-адрес регистрации"},
	"attitude":            {"Attitude", "Характеристика клиента"},
	"employee":            {"Employee", "Сотрудник"},
	"nocalcstat":          {"Leave out of statistics", "Не учитывать в статистике"},
	"note":                {"Comment", "Комментарий"},
	"notify":              {"Notify the client", "Отправить уведомление"},
	"number":              {"Payment number", "Номер платежа"},
	"createdate":          {"Creation date", "Дата создания"},
	"createdatestart":     {"from", "с даты"},
	"createdateend":       {"to", "по дату"},
	"paydate":             {"Credit date", "Дата зачисления"},
	"payfromdate":         {"Credited from", "Зачислен с даты"},
	"paytodate":           {"Credited to", "Зачислен по дату"},
	"documentnumber":      {"Payment document number", "№ платежного документа"},
	"documentdate":        {"Payment document date", "Дата платежного документа"},
	"description":         {"Purpose", "Назначение платежа"},
	"sender":              {"Payer", "Плательщик"},
	"amount":              {"Amount", "Сумма"},
	"subaccountamount":    {"Amount", "Сумма"},
	"usedamount":          {"Amount spent", "Сумма израсходованных средств"},
	"paymethodamount":     {"Amount in the payment currency", "Сумма в валюте платежа"},
	"commissionamount":    {"Commission", "Комиссия"},
	"taxamount_readonly":  {"Tax", "Сумма налога"},
	"status":              {"Status", "Статус"},
	"paymethod":           {"Payment method", "Метод оплаты"},
	"restrictrefund":      {"Refund", "Возврат"},
	"info":                {"Payment information", "Информация о платеже"},
	"currency":            {"Currency", "Валюта"},
	"payment_currency":    {"Currency", "Валюта"},
	"subject":             {"Subject", "Тема"},
	"message":             {"Message", "Сообщение"},
	"type":                {"Type", "Тип"},
	"account_status":      {"Client status", "Статус клиента"},
	"creditlimit":         {"Credit limit", "Кредитный лимит"},
	"subaccount_project":  {"Provider", "Провайдер создаваемого счета"},
	"subaccount_currency": {"Currency", "Валюта создаваемого счета"},
	"allowpostpaid":       {"Postpaid", "Постоплата"},
	"referer":             {"Referred by", "Привлечен клиентом"},
	"active":              {"Active", "Активен"},
	"incident_limit":      {"Support request limit", "Лимит обращений в поддержку"},
	"subaccount":          {"Personal account", "Лицевой счет"},
	"item":                {"Service", "Услуга"},
	"operation":           {"Operation", "Операция"},
	"taxrate":             {"Tax rate", "Ставка налога"},
	"postpaid":            {"On credit", "В долг"},
	"realdate":            {"Date", "Дата"},
	"realdatestart":       {"from", "с даты"},
	"realdateend":         {"to", "по дату"},
	"cdate":               {"Service start date", "Дата начала оказания услуги"},
	"expense":             {"Expense", "Расход"},
	"fromdate":            {"From", "С даты"},
	"todate":              {"To", "По дату"},
	"percentage":          {"Discount", "Скидка"},
	"priority":            {"Priority", "Приоритет"},
	"actiontype":          {"Applies to", "Действует на"},
	"period":              {"Period", "Срок действия"},
	"specialitemtype":     {"Special product types", "Особые типы продуктов"},
	"itemtype":            {"Product types", "Типы продуктов"},
	"currency_base":       {"Base currency", "Базовая валюта"},
	"currency_relate":     {"Converted currency", "Конвертируемая валюта"},
	"rate":                {"Rate", "Курс"},
	"ratedate":            {"Rate date", "Дата курса"},
	"p_num":               {"Page", "Страница"},
	"p_cnt":               {"Rows per page", "Строк на странице"},
	"p_order":             {"Sort order", "Порядок сортировки"},
}

// fieldText is the label of a field in both languages.
func fieldText(name string) text {
	if t, ok := fieldLabels[name]; ok {
		return t
	}
	return text{name, name}
}

func fieldLabel(name, lang string) string { return fieldText(name).in(lang) }

// formTitles are the titles of the forms (the title message). The one of the payment
// filter is recorded (payment.filter); the others are the fake's.
var formTitles = map[string]text{
	"register":                  {"Registration", "Регистрация"},
	"account.edit":              {"Client", "Клиент"},
	"account.filter":            {"Client list filter", "Фильтр списка клиентов"},
	"account.sms":               {"Send an SMS", "Отправить SMS"},
	"ticket.write.account":      {"Request to the client", "Запрос клиенту"},
	"ticket.write.payment":      {"Request to the client", "Запрос клиенту"},
	"payment.edit":              {"Payment", "Платеж"},
	"payment.refund":            {"Refund", "Возврат"},
	"payment.add":               {"Payment", "Оплата"},
	"account.payment.filter":    {"Payment list filter", "Фильтр списка платежей"},
	"payment.filter":            {"Payment list filter", "Фильтр списка платежей"},
	"expense.filter":            {"Expense list filter", "Фильтр списка расходов"},
	"payment.expense.edit":      {"Expense of the payment", "Расход платежа"},
	"payment.orderinfo.edit":    {"Invoice line", "Позиция счета"},
	"subaccount.edit":           {"Personal account", "Лицевой счет"},
	"subaccount.refund":         {"Withdrawal", "Списание средств"},
	"subaccount.expense.edit":   {"Expense", "Расход"},
	"subaccount.expense.filter": {"Expense list filter", "Фильтр списка расходов"},
	"account.discount.edit":     {"Discount", "Скидка"},
	"account.discount.add":      {"Discount", "Скидка"},
	"account.taxrule.edit":      {"Tax rule", "Налоговое правило"},
	"account.currencyrate.edit": {"Currency rate", "Курс валюты"},
}

func formTitle(fn string) text { return formTitles[fn] }

// Headlines of error documents (<group>), with the __object__, __value__ and
// __desc__ placeholders the real server uses.
var (
	headValue   = text{"Field '__object__' has an invalid value. __desc__", "Поле '__object__' имеет недопустимое значение. __desc__"}
	headMissed  = text{"Object '__object__' with value '__value__' not found", "Объект '__object__' со значением '__value__' не найден"}
	headNoFunc  = text{"Function '__value__' not found. The management module may not be loaded", "Не удалось найти функцию '__value__'. Возможно, управляющий модуль не загружен"}
	headExists  = text{"Object '__object__' with value '__value__' already exists", "Объект '__object__' со значением '__value__' уже существует"}
	headAccess  = text{"Insufficient privileges to access the function", "Недостаточно прав для доступа к функции"}
	headBadPass = text{"Invalid username or password", "Неверное имя пользователя или пароль"}
	headSession = text{"Authorization required", "Требуется авторизация"}
)

// reason is why a value is refused: a key, sent as the desc parameter of the error,
// and its text, put into the message.
type reason struct {
	key  string
	text text
}

// Reasons of value errors: the key goes into <param name="desc" type="msg"> (the
// recorded error carries a key there), the localized text into __desc__ of the message.
// whyRequired, a field left empty, is the recorded one: the key desk_empty and no text
// (the recorded message ends with the headline's "value. ").
var (
	whyNotNumber     = reason{"not_number", text{"Enter a decimal number with a dot, like 100.50", "Введите десятичное число через точку, например 100.50"}}
	whyNotPositive   = reason{"not_positive", text{"The value must be greater than zero", "Значение должно быть больше нуля"}}
	whyNegative      = reason{"negative", text{"The value must not be negative", "Значение не может быть отрицательным"}}
	whyNotInteger    = reason{"not_integer", text{"Enter an integer", "Введите целое число"}}
	whyPercent       = reason{"not_percent", text{"The value must be between 0 and 100", "Значение должно быть от 0 до 100"}}
	whyDate          = reason{"not_date", text{"Enter a date like 2024-05-07", "Введите дату в виде 2024-05-07"}}
	whyDateTime      = reason{"not_datetime", text{"Enter a date and time like 2024-05-07 14:12:03", "Введите дату и время в виде 2024-05-07 14:12:03"}}
	whyFlag          = reason{"not_flag", text{"The value must be on or off", "Значение должно быть on или off"}}
	whyChoice        = reason{"no_choice", text{"No such choice", "Нет такого варианта"}}
	whyRequired      = reason{"desk_empty", text{}}
	whyID            = reason{"not_ids", text{"Ids are positive integers separated by ', '", "Идентификаторы — положительные целые числа через ', '"}}
	whyOneID         = reason{"not_one_id", text{"Exactly one id is expected", "Ожидается ровно один идентификатор"}}
	whyEmail         = reason{"not_email", text{"Enter a valid e-mail address", "Введите корректный адрес e-mail"}}
	whyConfirm       = reason{"confirm_mismatch", text{"The passwords do not match", "Пароли не совпадают"}}
	whyPasswordShort = reason{"password_short", text{"The length of the password must be at least %d", "Длина пароля должна быть не менее %d"}}
	whyOut           = reason{"out_unsupported", text{"The fake serves out=xml, json and sjson", "Фейк отвечает в форматах out=xml, json и sjson"}}
	whyBodyType      = reason{"unsupported_body", text{"Send the parameters in the query string or in a POST body of type application/x-www-form-urlencoded or multipart/form-data", "Передайте параметры в строке запроса или в теле POST типа application/x-www-form-urlencoded или multipart/form-data"}}
	whyBadForm       = reason{"bad_form", text{"The parameters are not valid URL encoding: %v", "Параметры закодированы неверно: %v"}}
	whyRefundTooMuch = reason{"refund_too_much", text{"At most %s can be refunded from this payment", "Из этого платежа можно вернуть не более %s"}}
	whyRestricted    = reason{"refund_restricted", text{"Refunds from this payment are forbidden", "Возврат средств по этому платежу запрещен"}}
	whyNoFunds       = reason{"no_funds", text{"Not enough funds: the balance is %s and the credit limit is %s", "Недостаточно средств: баланс %s, кредитный лимит %s"}}
	whyOverBalance   = reason{"over_balance", text{"At most the balance, %s, can be withdrawn", "Можно списать не более баланса, %s"}}
	whyNotCreditable = reason{"not_creditable", text{"A payment in status '%s' cannot be credited", "Платеж в статусе '%s' нельзя зачислить"}}
	whyStatusLocked  = reason{"status_locked", text{"The status of a credited or refunded payment cannot be changed here", "Статус зачисленного или возвращенного платежа нельзя изменить здесь"}}
	whyAmountLocked  = reason{"amount_locked", text{"The amount of a credited payment cannot be changed", "Сумму зачисленного платежа нельзя изменить"}}
	whyNotDeletable  = reason{"not_deletable", text{"Only unpaid payments can be deleted", "Удалить можно только неоплаченные платежи"}}
	whyOverPayment   = reason{"over_payment", text{"At most %s of this payment is not yet distributed", "Нераспределенный остаток платежа — %s"}}
	whyOverExpense   = reason{"over_expense", text{"At most %s of this expense is not yet paid", "Неоплаченный остаток расхода — %s"}}
	whyCurrencyFixed = reason{"currency_fixed", text{"The currency of a personal account cannot be changed", "Валюту лицевого счета нельзя изменить"}}
	whySameCurrency  = reason{"same_currency", text{"The currencies must differ", "Валюты должны различаться"}}
	whyDateOrder     = reason{"date_order", text{"The end date is before the start date", "Дата окончания раньше даты начала"}}
	whySuClient      = reason{"su_client", text{"Call this function as a client: pass su=CLIENT", "Вызовите функцию от имени клиента: передайте su=КЛИЕНТ"}}
	whyNotInPay      = reason{"not_in_pay", text{"A payment in status '%s' cannot be put in payment", "Платеж в статусе '%s' нельзя перевести в оплату"}}
	whyNoSubaccount  = reason{"no_subaccount", text{"The client has no personal account in this currency", "У клиента нет лицевого счета в этой валюте"}}

	histCreated  = text{"Payment created", "Платеж создан"}
	histInPay    = text{"Payment in progress", "Платеж оплачивается"}
	histCredited = text{"Payment credited", "Платеж зачислен"}
	histRefunded = text{"Refund of %s", "Возврат %s"}
	histEdited   = text{"Changed: %s", "Изменено: %s"}

	defaultOrderLine = text{"Top-up of the personal account", "Пополнение лицевого счета"}
	defaultExpense   = text{"Expense", "Расход"}
	taxRuleSpecial   = text{"Special rule", "Особое правило"}
)

// statusNode renders a localized column as recorded: <name color="c" orig="code">Label</name>.
func statusNode(name string, code string, st status, lang string) *node {
	n := el(name, st.label.in(lang))
	if st.color != "" {
		n.attr("color", st.color)
	}
	return n.attr("orig", code)
}

func intStatusNode(name string, code int, table map[int]status, lang string) *node {
	return statusNode(name, strconv.Itoa(code), table[code], lang)
}

func switchNode(name string, on bool, lang string) *node {
	return statusNode(name, onOff(on), switchStatuses[on], lang)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
