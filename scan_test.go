package billmgr

import (
	"bytes"
	"encoding/xml"
	"errors"
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
	s := &scanner{buf: make([]byte, bufferSize)}
	s.reset(r)
	var toks tokenList
	for {
		kind, err := s.next()
		if err == io.EOF {
			return toks.done(), nil
		}
		if err != nil {
			return nil, err
		}
		switch kind {
		case tokStart:
			attrs := make([]string, len(s.attrs))
			for i, a := range s.attrs {
				attrs[i] = fmt.Sprintf("%s=%q", a.name, a.value)
			}
			toks.add(fmt.Sprintf("<%s %s>", s.name, strings.Join(attrs, " ")))
			if s.selfClosing {
				toks.add("</" + s.name + ">")
			}
		case tokEnd:
			toks.add("</" + string(s.endName) + ">")
		case tokText:
			toks.text(s.text)
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
		{"whole", bytes.NewReader(data), scanBufferSize},
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

// scanSeeds are the real documents of testdata/samples and the fixtures of every function,
// and the corner cases of the grammar.
func scanSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	files, err := filepath.Glob("testdata/samples/*")
	require.NoError(t, err)
	fixtures, err := filepath.Glob("testdata/*/*.xml")
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

func TestScannerCutShortIsASyntaxEOF(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`<doc><elem><id>1</id></el`, `<doc a="x`, `<doc>&am`, `<!-- x`} {
		_, err := scannerTokens(strings.NewReader(body), 16)
		var syntax *xml.SyntaxError
		require.True(t, errors.As(err, &syntax), "%q: %v", body, err)
		assert.Equal(t, "unexpected EOF", syntax.Msg, body)
	}
}

func TestScannerPassesReadErrorsOn(t *testing.T) {
	t.Parallel()
	boom := errors.New("connection reset")
	_, err := scannerTokens(io.MultiReader(strings.NewReader("<doc><a>1</a"), iotest.ErrReader(boom)), 16)
	assert.ErrorIs(t, err, boom)
}

func TestScannerReusesItsBuffer(t *testing.T) {
	doc := []byte(strings.Repeat(`<elem><id>1</id><name a="b">x &amp; y</name></elem>`, 2000))
	s := &scanner{}
	s.reset(bytes.NewReader(doc))
	allocs := testing.AllocsPerRun(1, func() {
		s.reset(bytes.NewReader(doc))
		for {
			if _, err := s.next(); err != nil {
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
