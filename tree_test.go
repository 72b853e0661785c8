package billmgr

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every document in testdata/samples (copied from ../shared/samples, real server output)
// goes through Call as the server's reply.

func callSample(t *testing.T, name string) (*Doc, error) {
	t.Helper()
	c, _ := newFixtureStub(t, "samples/"+name)
	return c.Call(context.Background(), "sample", nil)
}

func TestSamplesListsGiveTheirRows(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file       string
		rows       int
		firstField string
		firstValue string
	}{
		{"billmgr6_list_payment_client_full_internal.xml", 6, "number", "pfx/6"},
		{"ispmgr4_list_db.xml", 3, "dbkey", "MySQL->bt"},
		{"ispmgr4_list_dbuser_with_plid.xml", 1, "name", "blog"},
		{"ispmgr4_list_services.xml", 6, "proc", "apache2"},
		{"ispmgr4_list_sysinfo_with_banner.xml", 7, "value", "AMD Athlon(tm) 64 Processor 3700+ 2199.744 Mhz X 2"},
		{"ispmgr4_list_usagestat_attr_values.xml", 11, "name", "disk"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			doc, err := callSample(t, tt.file)
			require.NoError(t, err)
			rows := doc.Elems()
			require.Len(t, rows, tt.rows)
			assert.Equal(t, tt.firstValue, rows[0].Value(tt.firstField))
		})
	}
}

func TestSampleListPaymentDetails(t *testing.T) {
	t.Parallel()
	doc, err := callSample(t, "billmgr6_list_payment_client_full_internal.xml")
	require.NoError(t, err)
	assert.Equal(t, "ru", doc.Attr("lang"))
	assert.Equal(t, "payment", doc.Attr("func"))
	assert.Equal(t, "id", doc.Child("metadata").Attr("key"))
	assert.Equal(t, []string{"1", "1000", "6"}, []string{doc.Value("p_num"), doc.Value("p_cnt"), doc.Value("p_elems")})
	status := doc.Elems()[0].Child("status")
	assert.Equal(t, "4", status.Attr("orig"))
	assert.Equal(t, "Зачислен", status.Text)
	assert.Equal(t, " - ", doc.Elems()[0].Child("sender_name").Text, "text is kept as sent")
}

func TestSampleEmptyElementsAndAttributes(t *testing.T) {
	t.Parallel()
	doc, err := callSample(t, "ispmgr4_list_services.xml")
	require.NoError(t, err)
	http, mysql := doc.Elems()[0], doc.Elems()[5]
	assert.NotNil(t, http.Child("active"), "an empty element is present")
	assert.Nil(t, mysql.Child("active"))

	doc, err = callSample(t, "ispmgr4_list_usagestat_attr_values.xml")
	require.NoError(t, err)
	assert.Equal(t, "4950", doc.Elems()[0].Child("value").Attr("limit"))

	doc, err = callSample(t, "ispmgr4_list_dbuser_with_plid.xml")
	require.NoError(t, err)
	assert.Equal(t, "MySQL->blog", doc.Value("plid"))
}

func TestSamplesOK(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"billmgr6_ok_authenticate_otp_internal.xml", "billmgr6_ok_payment_setinpay_wire.xml"} {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			doc, err := callSample(t, file)
			require.NoError(t, err)
			assert.True(t, doc.OK())
		})
	}
}

func TestSamplesDocuments(t *testing.T) {
	t.Parallel()
	doc, err := callSample(t, "billmgr5_auth_session_ok.xml")
	require.NoError(t, err)
	assert.Equal(t, "16", doc.Child("auth").Attr("level"))

	doc, err = callSample(t, "billmgr6_whoami_client_wire.xml")
	require.NoError(t, err)
	assert.Equal(t, "12221243.00", doc.Child("user").Attr("balance"))
	assert.Equal(t, redacted, doc.Child("tparams").Value("auth"), "the echoed session id is redacted")

	doc, err = callSample(t, "billmgr6_validator_check_money_internal.xml")
	require.NoError(t, err)
	assert.Equal(t, "10.00", doc.Value("value"))

	doc, err = callSample(t, "billmgr6_form_payment_filter_internal.xml")
	require.NoError(t, err)
	assert.Equal(t, "form", doc.Child("metadata").Attr("type"))
	assert.NotEmpty(t, doc.All("slist"))

	doc, err = callSample(t, "billmgr6_form_payment_add_method_submitted_extok_internal.xml")
	require.NoError(t, err)
	assert.NotNil(t, doc.Child("doc"), "a nested document is kept")

	for _, file := range []string{
		"billmgr5_form_domain_order_contact_maybe_edited.xml",
		"billmgr6_form_payment_add_method_internal.xml",
		"billmgr6_payment_info_for_module_wire.xml",
	} {
		doc, err := callSample(t, file)
		require.NoError(t, err, file)
		assert.NotEmpty(t, doc.Children, file)
	}
}

func TestSampleErrorValue(t *testing.T) {
	t.Parallel()
	_, err := callSample(t, "billmgr5_error_value_elid_user_edit.xml")
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "value", apiErr.Type)
	assert.Equal(t, "elid", apiErr.Object)
	assert.Equal(t, "ru", apiErr.Lang)
	assert.Equal(t, "desk_empty", apiErr.Params["desc"])
	assert.Equal(t, "elid", apiErr.Params["object"])
	assert.Equal(t, "Поле 'Идентификатор элемента' имеет недопустимое значение.", apiErr.Msg)
	assert.ErrorIs(t, err, ErrInvalid)
	assert.Equal(t, "billmgr: sample: value(elid): Поле 'Идентификатор элемента' имеет недопустимое значение.", err.Error())
}

func TestSamplesThatAreNotDocuments(t *testing.T) {
	t.Parallel()
	tests := []struct{ file, says string }{
		{"billmgr5_error_auth_badpassword_MALFORMED_as_copied.xml", "malformed XML"},
		{"ispmgr4_error_legacy_code_fragments_from_docs.txt", "root element is <error>"},
		{"billmgr6_json_fixture_reduced_error_access.json", "JSON"},
		{"billmgr6_json_fixture_reduced_error_auth_session.json", "JSON"},
		{"billmgr6_json_fixture_reduced_expense_list.json", "JSON"},
		{"billmgr6_json_fixture_reduced_payment_list.json", "JSON"},
		{"billmgr6_json_fixture_reduced_subaccount_list.json", "JSON"},
		{"billmgr6_json_fixture_reduced_vds_list_live_shapes.json", "JSON"},
		{"billmgr_json_payment_add_redirect_ok_pastebin.json", "JSON"},
		{"ispmgr6_sjson_error_auth_badpassword.json", "JSON"},
		{"ispmgr6_sjson_list_webdomain_trimmed.json", "JSON"},
		{"ispmgr6_sjson_ok_session_newkey.json", "JSON"},
		{"ispmgr6_sjson_ok_user_suspend.json", "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			doc, err := callSample(t, tt.file)
			assert.Nil(t, doc)
			require.ErrorIs(t, err, ErrUnexpectedResponse)
			assert.Contains(t, err.Error(), tt.says)
			assert.True(t, strings.HasPrefix(err.Error(), "billmgr: sample: "), err.Error())
		})
	}
}

func TestDecodeDocEntitiesCDATAAndComments(t *testing.T) {
	t.Parallel()
	body := `<?xml version="1.0" encoding="UTF-8"?><!-- c --><doc a="x &amp; y"><n>&lt;b&gt; &#1047;&#x430;</n><c><![CDATA[<raw>]]></c></doc>`
	doc, err := decodeDoc(strings.NewReader(body), defaultMaxResponseBytes)
	require.NoError(t, err)
	assert.Equal(t, "x & y", doc.Attr("a"))
	assert.Equal(t, "<b> За", doc.Value("n"))
	assert.Equal(t, "<raw>", doc.Value("c"))
}

func TestNilNodeLookups(t *testing.T) {
	t.Parallel()
	var n *Node
	assert.Equal(t, "", n.Attr("x"))
	assert.Nil(t, n.Child("x"))
	assert.Nil(t, n.All("x"))
	assert.Equal(t, "", n.Child("a").Child("b").Value("c"))
}

func TestTreeJoinsTheTextPiecesOfALargeText(t *testing.T) {
	t.Parallel()
	// The scanner hands a text of 1 MiB out in pieces (internal/xmlscan,
	// TestLargeTextIsReadInPieces), with a character, a reference, CR LF and "]]" at every
	// cut the pieces could fall on; the node's text is the whole of it.
	unit := "абв&amp;\r\n]]x&#1047;"
	text := strings.Repeat(unit, (1<<20)/len(unit))
	doc, err := decodeDoc(strings.NewReader("<doc><a>"+text+"</a></doc>"), defaultMaxResponseBytes)
	require.NoError(t, err)
	assert.Equal(t, strings.NewReplacer("&amp;", "&", "\r\n", "\n", "&#1047;", "З").Replace(text), doc.Child("a").Text)
}
