package main

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/go-billmgr/billmgr"
	"github.com/go-billmgr/billmgr/internal/secret"
	"github.com/spf13/cobra"
)

// callCommand: billmgr call FUNC NAME=VALUE...: any function, raw.
func (a *app) callCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "call FUNC [NAME=VALUE...]",
		Short: "Call any API function with raw parameters and print the reply document",
		Long: `Call any API function with raw parameters and print the reply document: as an indented
XML tree (-o table, the default on a terminal), as a JSON tree (-o json), or its <elem>
rows as JSON lines, CSV or ids (-o jsonl, csv, ids). A name given twice sends both values.
The call is sent once and never retried: billmgr cannot know whether it changes anything.

  billmgr call account.payment elid=12 p_cnt=5
  billmgr call payment.setpaid "elid=345, 346"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("%s: want %s", cmd.CommandPath(), cmd.Use)
			}
			_, err := callParams(args[1:])
			return err
		},
	}
	allowDryRun(cmd)
	calls(cmd, funcArgument)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		params, _ := callParams(args[1:])
		c, err := a.client()
		if err != nil {
			return err
		}
		doc, err := c.Call(cmd.Context(), args[0], params)
		if err != nil {
			return err
		}
		return a.printDoc(doc)
	}
	return cmd
}

// callParams reads NAME=VALUE arguments, refusing the parameters billmgr sets itself
// (secret.Reserved).
func callParams(args []string) (url.Values, error) {
	params := url.Values{}
	for _, arg := range args {
		name, value, ok := strings.Cut(arg, "=")
		switch {
		case !ok || name == "":
			return nil, usageErr("%q: want NAME=VALUE", arg)
		case secret.Reserved(name):
			return nil, usageErr("%s: billmgr sets this parameter itself (see --as, --user, --session)", name)
		}
		params.Add(name, value)
	}
	return params, nil
}

// printDoc prints a reply document in the output format.
func (a *app) printDoc(doc *billmgr.Doc) error {
	switch a.format() {
	case formatJSON:
		b, err := json.Marshal(treeOf(&doc.Node))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.out, "%s\n", b)
		return err
	case formatJSONL:
		return writeElems(a.out, doc, func(names, values []string) error {
			var b strings.Builder
			b.WriteByte('{')
			for i := range names {
				if i > 0 {
					b.WriteByte(',')
				}
				k, _ := json.Marshal(names[i])
				v, _ := json.Marshal(values[i])
				fmt.Fprintf(&b, "%s:%s", k, v)
			}
			b.WriteString("}\n")
			_, err := io.WriteString(a.out, b.String())
			return err
		})
	case formatCSV:
		return writeElemsCSV(a.out, doc)
	case formatIDs:
		for _, e := range doc.Elems() {
			id := e.Value("id")
			if id == "" {
				id = e.Value("elid")
			}
			if id != "" {
				fmt.Fprintln(a.out, id)
			}
		}
		return nil
	default:
		writeXML(a.out, &doc.Node, 0)
		return nil
	}
}

// tree is the JSON form of a Node.
type tree struct {
	Name     string            `json:"name"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	Text     string            `json:"text,omitempty"`
	Children []tree            `json:"children,omitempty"`
}

func treeOf(n *billmgr.Node) tree {
	t := tree{Name: n.Name, Text: strings.TrimSpace(n.Text)}
	for _, at := range n.Attrs {
		if t.Attrs == nil {
			t.Attrs = map[string]string{}
		}
		t.Attrs[at.Name] = at.Value
	}
	for _, c := range n.Children {
		t.Children = append(t.Children, treeOf(c))
	}
	return t
}

// writeXML prints n as indented XML, one element per line.
func writeXML(w io.Writer, n *billmgr.Node, depth int) {
	indent := strings.Repeat("  ", depth)
	var open strings.Builder
	open.WriteString("<" + n.Name)
	for _, at := range n.Attrs {
		open.WriteString(" " + at.Name + `="` + escapeXML(at.Value) + `"`)
	}
	text := strings.TrimSpace(n.Text)
	switch {
	case len(n.Children) == 0 && text == "":
		fmt.Fprintf(w, "%s%s/>\n", indent, open.String())
	case len(n.Children) == 0:
		fmt.Fprintf(w, "%s%s>%s</%s>\n", indent, open.String(), escapeXML(text), n.Name)
	default:
		fmt.Fprintf(w, "%s%s>\n", indent, open.String())
		if text != "" {
			fmt.Fprintf(w, "%s  %s\n", indent, escapeXML(text))
		}
		for _, c := range n.Children {
			writeXML(w, c, depth+1)
		}
		fmt.Fprintf(w, "%s</%s>\n", indent, n.Name)
	}
}

func escapeXML(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// writeElems hands each <elem> row of doc to write as its child names and texts.
func writeElems(w io.Writer, doc *billmgr.Doc, write func(names, values []string) error) error {
	for _, e := range doc.Elems() {
		names := make([]string, len(e.Children))
		values := make([]string, len(e.Children))
		for i, c := range e.Children {
			names[i], values[i] = c.Name, strings.TrimSpace(c.Text)
		}
		if err := write(names, values); err != nil {
			return err
		}
	}
	return nil
}

// writeElemsCSV prints the <elem> rows of doc as CSV, with a column for every child name
// in the order the names first appear.
func writeElemsCSV(w io.Writer, doc *billmgr.Doc) error {
	var header []string
	for _, e := range doc.Elems() {
		for _, c := range e.Children {
			if !slices.Contains(header, c.Name) {
				header = append(header, c.Name)
			}
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, e := range doc.Elems() {
		row := make([]string, len(header))
		for i, name := range header {
			row[i] = e.Value(name)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
