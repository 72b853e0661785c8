package xmlscan

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scanner must read every document exactly as encoding/xml's RawToken in strict mode
// does: the same elements, attributes and text, or a refusal where encoding/xml refuses.

// xmlTokens lists what encoding/xml reads from data: start and end elements and text, with
// adjacent text joined (comments, processing instructions and directives between pieces of
// text are left out, as a Node's Text joins them).
func xmlTokens(data []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var toks tokenList
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return toks.done(), nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			attrs := make([]string, len(t.Attr))
			for i, a := range t.Attr {
				attrs[i] = fmt.Sprintf("%s=%q", qname(a.Name), a.Value)
			}
			toks.add(fmt.Sprintf("<%s %s>", qname(t.Name), strings.Join(attrs, " ")))
		case xml.EndElement:
			toks.add("</" + qname(t.Name) + ">")
		case xml.CharData:
			toks.text(t)
		}
	}
}

// scannerTokens lists what the scanner reads from r, in the form of xmlTokens.
func scannerTokens(r io.Reader, bufferSize int) ([]string, error) {
	s := &Scanner{buf: make([]byte, bufferSize)}
	s.Reset(r, nil)
	return restTokens(s)
}

// restTokens reads the rest of the input of s, as scannerTokens does.
func restTokens(s *Scanner) ([]string, error) {
	var toks tokenList
	for {
		kind, err := s.Next()
		if err == io.EOF {
			return toks.done(), nil
		}
		if err != nil {
			return nil, err
		}
		switch kind {
		case StartElement:
			attrs := make([]string, len(s.Attrs))
			for i, a := range s.Attrs {
				attrs[i] = fmt.Sprintf("%s=%q", a.Name, a.Value)
			}
			toks.add(fmt.Sprintf("<%s %s>", s.Name, strings.Join(attrs, " ")))
			if s.SelfClosing {
				toks.add("</" + s.Name + ">")
			}
		case EndElement:
			toks.add("</" + string(s.endName) + ">")
		case CharData:
			toks.text(s.Text)
		}
	}
}

type tokenList struct {
	toks []string
	buf  []byte
	any  bool
}

func (l *tokenList) add(tok string) {
	l.flush()
	l.toks = append(l.toks, tok)
}

func (l *tokenList) text(b []byte) {
	l.buf = append(l.buf, b...)
	l.any = true
}

func (l *tokenList) flush() {
	if l.any {
		l.toks = append(l.toks, fmt.Sprintf("text %q", l.buf))
		l.buf, l.any = l.buf[:0], false
	}
}

func (l *tokenList) done() []string {
	l.flush()
	return l.toks
}

// assertScansLikeEncodingXML feeds data to both, whole and a byte at a time through a
// small buffer (so that every token crosses the end of the buffer somewhere).
func assertScansLikeEncodingXML(t *testing.T, data []byte) {
	t.Helper()
	if encodingXMLRefusesCDATAEndInAttributes && bytes.Contains(data, []byte("]]>")) {
		return // Go 1.23's encoding/xml is no reference here
	}
	want, wantErr := xmlTokens(data)
	readers := []struct {
		name string
		r    io.Reader
		size int
	}{
		{"whole", bytes.NewReader(data), BufferSize},
		{"byte by byte", iotest.OneByteReader(bytes.NewReader(data)), 16},
	}
	for _, rd := range readers {
		got, gotErr := scannerTokens(rd.r, rd.size)
		if wantErr != nil {
			if gotErr == nil {
				t.Fatalf("%s: encoding/xml refuses %q (%v), the scanner reads %q", rd.name, data, wantErr, got)
			}
			continue
		}
		if gotErr != nil {
			t.Fatalf("%s: encoding/xml reads %q, the scanner refuses it: %v", rd.name, data, gotErr)
		}
		if !assert.Equal(t, want, got, "%s: %q", rd.name, data) {
			t.FailNow()
		}
	}
}

// scanSeeds are the real documents of the module's testdata/samples, the fixtures of every
// function, and the corner cases of the grammar.
func scanSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	files, err := filepath.Glob("../../testdata/samples/*")
	require.NoError(t, err)
	fixtures, err := filepath.Glob("../../testdata/*/*.xml")
	require.NoError(t, err)
	for _, f := range append(files, fixtures...) {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		seeds = append(seeds, data)
	}
	for _, s := range scanCorners {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

var scanCorners = []string{
	`<?xml version="1.0" encoding="UTF-8"?><doc a="1" b='2'><x/><y z="&amp;&lt;&gt;&apos;&quot;"/></doc>`,
	`<doc>a&#65;&#x42;&#x10FFFF;&#xD800;<![CDATA[ <x> & ]] ]]><!-- c - c -->b<?pi data?>c</doc>`,
	"<doc>\r\n a\rb\r\r\n</doc>",
	`<doc><!DOCTYPE x [ <!ENTITY e "v"> <!-- > --> '>' ]></doc>`,
	`<a:b c:d="1" :e="2" f:="3"></a:b><a:b:c/>`,
	`<doc>]]></doc>`, `<doc a="]]>"/>`, `<doc a="<"/>`, `<doc a=1/>`, `<doc a/>`,
	`<doc>&bogus;</doc>`, `<doc>&#0;</doc>`, `<doc>&#xFFFE;</doc>`, `<doc>&#x110000;</doc>`, `<doc>&#;</doc>`,
	`<doc>&amp</doc>`, `<doc>&#65</doc>`, "<doc>\x01</doc>", "<doc>\xff</doc>", "<doc>\uFFFE</doc>",
	`<?xml version="1.1"?><doc/>`, `<?xml encoding="windows-1251"?><doc/>`, `<?xml encoding='utf-8'?><doc/>`,
	`<1a/>`, `< a/>`, `</ a>`, `</a b>`, `</a >`, `<a/ >`, `<a b="1"c="2"/>`, `<!- x -->`, `<!-- a -- b -->`,
	`<![CDAT[x]]>`, `<!>x>`, "<доc атр='1'>текст</доc>", "<a\u00B7b/>", "<\u00B7a/>",
	`<doc>text`, `<doc><elem>`, `<doc a="`, `<doc a="x`, `<!-- x`, `<?pi x`, `<![CDATA[x`, `<!DOCTYPE x`,
}

func TestScannerMatchesEncodingXML(t *testing.T) {
	t.Parallel()
	for _, seed := range scanSeeds(t) {
		assertScansLikeEncodingXML(t, seed)
	}
}

func FuzzScannerMatchesEncodingXML(f *testing.F) {
	for _, seed := range scanSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		assertScansLikeEncodingXML(t, data)
	})
}

func TestScannerReusesItsBuffer(t *testing.T) {
	doc := []byte(strings.Repeat(`<elem><id>1</id><name a="b">x &amp; y</name></elem>`, 2000))
	s := &Scanner{}
	s.Reset(bytes.NewReader(doc), nil)
	allocs := testing.AllocsPerRun(1, func() {
		s.Reset(bytes.NewReader(doc), nil)
		for {
			if _, err := s.Next(); err != nil {
				require.ErrorIs(t, err, io.EOF)
				return
			}
		}
	})
	assert.LessOrEqual(t, allocs, 4.0, "20,000 tokens and no allocation for any of them")
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// listOf is a list of n rows whose names hold references, as real lists' names do.
func listOf(n int) []byte {
	row := `<elem><id>17</id><number>pfx/17</number><sender_name>ИП Петров &amp; партнёры</sender_name>` +
		`<recipient_name>ООО &quot;Хостинг&quot;</recipient_name></elem>` + "\r\n"
	return []byte("<doc>" + strings.Repeat(row, n) + "</doc>")
}

func TestScannerTextBufferHoldsOneText(t *testing.T) {
	t.Parallel()
	var s Scanner
	s.Reset(bytes.NewReader(listOf(20000)), nil)
	for {
		if _, err := s.Next(); err != nil {
			require.ErrorIs(t, err, io.EOF)
			break
		}
	}
	assert.LessOrEqual(t, cap(s.textBuf), 1024, "the text buffer holds the longest text, not the document")
}

func TestALongReplyIsReadInLongReads(t *testing.T) {
	t.Parallel()
	long := listOf(4000) // 728 KB
	require.Greater(t, len(long), 2*LongReadSize)
	tests := []struct {
		name    string
		doc     []byte
		budget  *Budget
		wantBuf int
	}{
		{"a short reply keeps the first buffer", listOf(10), nil, BufferSize},
		{"a long reply moves to the long buffer", long, nil, LongReadSize},
		{"charged to the reply's bound", long, &Budget{limit: 1 << 20, left: 1 << 20, tooLarge: errTooLarge}, LongReadSize},
		{"a bound that does not allow it keeps the first buffer", long, &Budget{limit: 1 << 10, left: LongReadSize - 1, tooLarge: errTooLarge}, BufferSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s Scanner
			s.Reset(iotest.HalfReader(bytes.NewReader(tt.doc)), tt.budget)
			for {
				if _, err := s.Next(); err != nil {
					require.ErrorIs(t, err, io.EOF, "the long buffer is never a reason to fail")
					break
				}
			}
			assert.Equal(t, tt.wantBuf, len(s.buf))
			assert.Equal(t, len(tt.doc), s.read)
			if tt.budget != nil && tt.wantBuf == LongReadSize {
				assert.LessOrEqual(t, tt.budget.left, int64(1<<20-LongReadSize), "the long buffer is charged")
			}
			s.Release()
			assert.LessOrEqual(t, len(s.buf), BufferSize, "a released scanner does not keep the long buffer")
		})
	}
}

func TestLargeTextIsReadInPieces(t *testing.T) {
	t.Parallel()
	// A text of 1 MiB (a multi-byte character, a reference, CR LF and "]]" at every cut
	// the pieces could fall on) reads as encoding/xml reads it, and the scanner's buffer
	// does not grow to hold it: it moves to the long reply's buffer and no further.
	unit := "абв&amp;\r\n]]x&#1047;"
	body := []byte("<doc><a>" + strings.Repeat(unit, (1<<20)/len(unit)) + "</a></doc>")
	assertScansLikeEncodingXML(t, body)
	var s Scanner
	s.Reset(bytes.NewReader(body), nil)
	var pieces int
	for {
		kind, err := s.Next()
		if err != nil {
			require.ErrorIs(t, err, io.EOF)
			break
		}
		if kind == CharData {
			pieces++
		}
	}
	assert.Equal(t, LongReadSize, len(s.buf), "the buffer did not grow with the text")
	assert.Greater(t, pieces, (1<<20)/LongReadSize)
}

// TestFastPathsReadWhatNextReads: SkipBlank, KnownStart and PlainContent read a row's
// columns as Next would, or read nothing and leave them to Next.
func TestFastPathsReadWhatNextReads(t *testing.T) {
	t.Parallel()
	var s Scanner
	s.Reset(strings.NewReader("<doc>\n <elem><id>1</id> <name a='b'>x &amp; y</name></elem>\n <elem><id>2</id><name>z<b/></name></elem></doc>"), nil)
	next := func(want Kind) {
		t.Helper()
		kind, err := s.Next()
		require.NoError(t, err)
		require.Equal(t, want, kind)
	}
	next(StartElement) // <doc>
	s.SkipBlank()
	next(StartElement) // <elem>
	next(StartElement) // <id>
	require.Equal(t, "id", s.Name)
	idSlot := s.StartSlot()
	text, ok := s.PlainContent()
	require.True(t, ok)
	assert.Equal(t, "1", string(text))
	s.SkipBlank()
	assert.False(t, s.KnownStart("nam", idSlot), "a prefix of the name is not the name")
	next(StartElement) // <name a='b'>
	nameSlot := s.StartSlot()
	text, ok = s.PlainContent()
	require.True(t, ok, "a reference resolved in place")
	assert.Equal(t, "x & y", string(text))
	next(EndElement) // </elem>
	s.SkipBlank()
	next(StartElement) // <elem>
	depth := s.Depth()
	require.True(t, s.KnownStart("id", idSlot))
	assert.Equal(t, "id", s.Name)
	assert.Equal(t, depth+1, s.Depth())
	_, ok = s.PlainContent()
	require.True(t, ok)
	require.True(t, s.KnownStart("name", nameSlot))
	assert.Equal(t, nameSlot, s.StartSlot())
	_, ok = s.PlainContent()
	assert.False(t, ok, "an element inside: left to Next")
	next(CharData)
	assert.Equal(t, "z", string(s.Text))
}

// TestColumnReadsWhatNextReads: Column reads an element of its name holding data alone,
// as Next would read it, or reads nothing and leaves it to Next.
func TestColumnReadsWhatNextReads(t *testing.T) {
	t.Parallel()
	tag := NewTag("id")
	tests := []struct {
		name, doc string
		want      string // the data Column reads; "-": none, Next reads the element
	}{
		{"plain", "\n    <id>17</id>", "17"},
		{"empty", "<id></id>", ""},
		{"Cyrillic", "<id>Клиент 7</id>", "Клиент 7"},
		{"references", "<id>x &amp; &#x44;&quot;</id>", `x & D"`},
		{"CR LF", "<id>a\r\nb</id>", "a\nb"},
		{"three-byte character", "<id>10.00 ₽</id>", "10.00 ₽"},
		{"another name", "<idx>1</idx>", "-"},
		{"attributes", "<id a='b'>1</id>", "-"},
		{"white space in the tag", "<id >1</id>", "-"},
		{"white space in the end tag", "<id>1</id >", "-"},
		{"an element inside", "<id>1<b/></id>", "-"},
		{"a comment inside", "<id>1<!-- c --></id>", "-"},
		{"self-closing", "<id/>", "-"},
		{"misnested", "<id>1</idx>", "-"},
		{"]]> in data", "<id>a]]>b</id>", "-"},
		{"a control character", "<id>\x01</id>", "-"},
		{"invalid UTF-8", "<id>\xff</id>", "-"},
		{"a bad reference", "<id>&nbsp;</id>", "-"},
		{"text before", "x<id>1</id>", "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := "<elem>" + tt.doc + "</elem>"
			var s Scanner
			s.Reset(strings.NewReader(doc), nil)
			kind, err := s.Next()
			require.NoError(t, err)
			require.Equal(t, StartElement, kind)
			text, ok := s.Column(&tag)
			if tt.want == "-" {
				require.False(t, ok)
				got, gotErr := restTokens(&s)
				want, wantErr := scannerTokens(strings.NewReader(doc), BufferSize)
				assert.Equal(t, wantErr, gotErr, "Next reads the element after Column declined it")
				if wantErr == nil {
					assert.Equal(t, want[1:], got, "Next reads the element after Column declined it")
				}
				return
			}
			require.True(t, ok)
			assert.Equal(t, tt.want, string(text))
			assert.Equal(t, 1, s.Depth())
			kind, err = s.Next()
			require.NoError(t, err)
			assert.Equal(t, EndElement, kind, "</elem> after the column")
		})
	}
	// An element cut by the end of the buffer is left to Next.
	var s Scanner
	s.Reset(io.MultiReader(strings.NewReader("<elem><id>17</i"), iotest.ErrReader(io.ErrUnexpectedEOF)), nil)
	_, err := s.Next()
	require.NoError(t, err)
	_, ok := s.Column(&tag)
	assert.False(t, ok)
}

func TestAReleasedScannerKeepsNothingOfItsInput(t *testing.T) {
	t.Parallel()
	// The attribute values of the last start tags point into the read buffer (the long
	// reply's) or the attribute buffer: a pooled scanner must not keep them.
	doc := `<doc><a x="1" y="&amp;2"/>` + strings.Repeat(`<b z="3"/>`, 20000) + `<c p="4" q="5" r="6"/></doc>`
	var s Scanner
	s.Reset(strings.NewReader(doc), nil)
	for {
		if _, err := s.Next(); err != nil {
			require.ErrorIs(t, err, io.EOF)
			break
		}
	}
	s.Release()
	for _, a := range s.Attrs[:cap(s.Attrs)] {
		assert.Nil(t, a.Value)
	}
	assert.Nil(t, s.Text)
	assert.Nil(t, s.r)
}

func TestEndKeepsTheLongBufferForTheNextReply(t *testing.T) {
	t.Parallel()
	// The pages of a walk: the long reply's buffer is made for the first and kept for the
	// next, charged to each reply's bound, or dropped when a bound does not allow it; a
	// released scanner drops it.
	long := listOf(4000)
	read := func(s *Scanner, budget *Budget) {
		t.Helper()
		s.Reset(bytes.NewReader(long), budget)
		for {
			if _, err := s.Next(); err != nil {
				require.ErrorIs(t, err, io.EOF)
				break
			}
		}
		s.End()
		assert.Nil(t, s.r)
	}
	var s Scanner
	read(&s, nil)
	require.Len(t, s.buf, LongReadSize)
	first := &s.buf[0]
	budget := &Budget{limit: 1 << 20, left: 1 << 20, tooLarge: errTooLarge}
	read(&s, budget)
	assert.Same(t, first, &s.buf[0], "the next reply is read into the same long buffer")
	assert.Equal(t, int64(1<<20-LongReadSize), budget.left, "charged once to the next reply")
	read(&s, &Budget{limit: 1 << 10, left: LongReadSize - 1, tooLarge: errTooLarge})
	assert.Len(t, s.buf, BufferSize, "a bound that does not allow it drops it")
	read(&s, nil)
	require.Len(t, s.buf, LongReadSize)
	s.Release()
	assert.LessOrEqual(t, len(s.buf), BufferSize)
}
