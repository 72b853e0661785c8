package billmgr_test

// What a user reads agrees with the code: the changelog's newest release with Version, the
// README's snippets and output with what the code prints, the examples of go doc with
// programs one can copy.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-billmgr/billmgr"
)

// TestVersionIsTheNewestRelease holds the code's Version to the newest release of
// CHANGELOG.md: cutting a release changes both.
func TestVersionIsTheNewestRelease(t *testing.T) {
	t.Parallel()
	changelog, err := os.ReadFile("CHANGELOG.md")
	require.NoError(t, err)
	newest := regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$`).FindSubmatch(changelog)
	require.NotNil(t, newest, "CHANGELOG.md has no release heading such as \"## [0.1.0] - 2026-11-30\"")
	assert.Equal(t, billmgr.Version, string(newest[1]), "billmgr.Version and the newest release of CHANGELOG.md")
}

// TestExamplesStandAlone: each Example of the go doc can be copied into a program as
// pkg.go.dev shows it: it uses nothing declared in its file but itself.
func TestExamplesStandAlone(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"example_test.go", "billmgrtest/example_test.go"} {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
		require.NoError(t, err)
		var examples int
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || !strings.HasPrefix(fn.Name.Name, "Example") {
				continue
			}
			examples++
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && id.Obj != nil && f.Scope.Lookup(id.Name) == id.Obj {
					assert.Fail(t, "an example uses a declaration of its file", "%s: %s uses %s", file, fn.Name.Name, id.Name)
				}
				return true
			})
			assert.Contains(t, exampleOutput(fn, f), "// Output:", "%s: %s checks its output", file, fn.Name.Name)
		}
		assert.NotZero(t, examples, file)
	}
}

// exampleOutput is the text of the comments of the example fn.
func exampleOutput(fn *ast.FuncDecl, f *ast.File) string {
	var b strings.Builder
	for _, g := range f.Comments {
		if g.Pos() > fn.Body.Lbrace && g.End() < fn.Body.Rbrace {
			for _, c := range g.List {
				b.WriteString(c.Text + "\n")
			}
		}
	}
	return b.String()
}
