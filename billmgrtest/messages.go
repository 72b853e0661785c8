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

var paymentStatuses = map[int]status{
	1:   {text{"New", "Новый"}, "blue"},
	2:   {text{"Paid", "Оплачивается"}, "yellow"},
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

// fieldLabels are the names of fields as error documents show them in the
// msg attribute of <param name="object">. Fields not listed show their name.
var fieldLabels = map[string]text{
	"elid":             {"Id", "Идентификатор элемента"},
	"plid":             {"Parent id", "Идентификатор родительского элемента"},
	"func":             {"Function", "Функция"},
	"out":              {"Output format", "Формат вывода"},
	"su":               {"User", "Пользователь"},
	"username":         {"User", "Пользователь"},
	"key":              {"Key", "Ключ"},
	"email":            {"E-mail", "E-mail"},
	"passwd":           {"Password", "Пароль"},
	"confirm":          {"Confirmation", "Подтверждение"},
	"amount":           {"Amount", "Сумма"},
	"subaccountamount": {"Amount", "Сумма"},
	"paymethodamount":  {"Amount in the payment currency", "Сумма в валюте платежа"},
	"status":           {"Status", "Статус"},
	"paymethod":        {"Payment method", "Метод оплаты"},
	"creditlimit":      {"Credit limit", "Кредитный лимит"},
	"currency":         {"Currency", "Валюта"},
	"project":          {"Provider", "Провайдер"},
	"country":          {"Country", "Страна"},
	"subject":          {"Subject", "Тема"},
	"message":          {"Message", "Сообщение"},
	"phone":            {"Phone", "Телефон"},
	"rate":             {"Rate", "Курс"},
	"taxrate":          {"Tax rate", "Ставка налога"},
	"percentage":       {"Discount", "Скидка"},
	"expense":          {"Expense", "Расход"},
	"subaccount":       {"Personal account", "Лицевой счет"},
	"p_num":            {"Page", "Страница"},
	"p_cnt":            {"Rows per page", "Строк на странице"},
	"p_order":          {"Sort order", "Порядок сортировки"},
}

func fieldLabel(name, lang string) string {
	if t, ok := fieldLabels[name]; ok {
		return t.in(lang)
	}
	return name
}

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

// Reasons: the details of errors and the texts of history entries.
var (
	whyNotNumber     = text{"Enter a decimal number with a dot, like 100.50", "Введите десятичное число через точку, например 100.50"}
	whyNotPositive   = text{"The value must be greater than zero", "Значение должно быть больше нуля"}
	whyNegative      = text{"The value must not be negative", "Значение не может быть отрицательным"}
	whyNotInteger    = text{"Enter an integer", "Введите целое число"}
	whyPercent       = text{"The value must be between 0 and 100", "Значение должно быть от 0 до 100"}
	whyDate          = text{"Enter a date like 2024-05-07", "Введите дату в виде 2024-05-07"}
	whyDateTime      = text{"Enter a date and time like 2024-05-07 14:12:03", "Введите дату и время в виде 2024-05-07 14:12:03"}
	whyFlag          = text{"The value must be on or off", "Значение должно быть on или off"}
	whyChoice        = text{"No such choice", "Нет такого варианта"}
	whyRequired      = text{"The field is required", "Поле обязательно для заполнения"}
	whyID            = text{"Ids are positive integers separated by ', '", "Идентификаторы — положительные целые числа через ', '"}
	whyOneID         = text{"Exactly one id is expected", "Ожидается ровно один идентификатор"}
	whyEmail         = text{"Enter a valid e-mail address", "Введите корректный адрес e-mail"}
	whyConfirm       = text{"The passwords do not match", "Пароли не совпадают"}
	whyOut           = text{"Only out=xml is supported", "Поддерживается только out=xml"}
	whyRefundTooMuch = text{"At most %s can be refunded from this payment", "Из этого платежа можно вернуть не более %s"}
	whyRestricted    = text{"Refunds from this payment are forbidden", "Возврат средств по этому платежу запрещен"}
	whyNoFunds       = text{"Not enough funds: the balance is %s and the credit limit is %s", "Недостаточно средств: баланс %s, кредитный лимит %s"}
	whyOverBalance   = text{"At most the balance, %s, can be withdrawn", "Можно списать не более баланса, %s"}
	whyNotCreditable = text{"A payment in status '%s' cannot be credited", "Платеж в статусе '%s' нельзя зачислить"}
	whyStatusLocked  = text{"The status of a credited or refunded payment cannot be changed here", "Статус зачисленного или возвращенного платежа нельзя изменить здесь"}
	whyAmountLocked  = text{"The amount of a credited payment cannot be changed", "Сумму зачисленного платежа нельзя изменить"}
	whyNotDeletable  = text{"Only unpaid payments can be deleted", "Удалить можно только неоплаченные платежи"}
	whyOverPayment   = text{"At most %s of this payment is not yet distributed", "Нераспределенный остаток платежа — %s"}
	whyOverExpense   = text{"At most %s of this expense is not yet paid", "Неоплаченный остаток расхода — %s"}
	whyCurrencyFixed = text{"The currency of a personal account cannot be changed", "Валюту лицевого счета нельзя изменить"}
	whySameCurrency  = text{"The currencies must differ", "Валюты должны различаться"}
	whyDateOrder     = text{"The end date is before the start date", "Дата окончания раньше даты начала"}
	whySuClient      = text{"Call this function as a client: pass su=CLIENT", "Вызовите функцию от имени клиента: передайте su=КЛИЕНТ"}
	whyNoSubaccount  = text{"The client has no personal account in this currency", "У клиента нет лицевого счета в этой валюте"}

	histCreated  = text{"Payment created", "Платеж создан"}
	histCredited = text{"Payment credited", "Платеж зачислен"}
	histRefunded = text{"Refund of %s", "Возврат %s"}
	histEdited   = text{"Changed: %s", "Изменено: %s"}

	defaultOrderLine = text{"Top-up of the personal account", "Пополнение лицевого счета"}
	defaultExpense   = text{"Expense", "Расход"}
	taxRuleSpecial   = text{"Special rule", "Особое правило"}
)

// statusNode renders a localized column: <name orig="code" color="c">Label</name>.
func statusNode(name string, code string, st status, lang string) *node {
	n := el(name, st.label.in(lang)).attr("orig", code)
	if st.color != "" {
		n.attr("color", st.color)
	}
	return n
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
