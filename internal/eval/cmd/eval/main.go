// Command eval runs the project's quality evaluation: `make eval`, or
// `EVAL_SECTIONS=search,themes go run ./internal/eval/cmd/eval`. See internal/eval.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/casereview/casereview/internal/eval"
	_ "github.com/casereview/casereview/internal/eval/searcheval" // the "search" section
)

func main() {
	env := eval.Env{
		CorpusDir:   os.Getenv("EVAL_CORPUS"),
		DatabaseURL: os.Getenv("EVAL_DATABASE_URL"),
		Log:         os.Stderr,
	}
	if env.CorpusDir == "" {
		env.CorpusDir = "../shared/corpus"
	}
	var only []string
	for _, s := range strings.Split(os.Getenv("EVAL_SECTIONS"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			only = append(only, s)
		}
	}
	// EVAL_OUT also writes the report to a file (docs/eval.md keeps the latest).
	var out io.Writer = os.Stdout
	if path := os.Getenv("EVAL_OUT"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "eval:", err)
			os.Exit(2)
		}
		defer f.Close()
		out = io.MultiWriter(os.Stdout, f)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	fmt.Fprintf(out, "# Quality evaluation\n\nSections: %s. Corpus: %s.\n\n", strings.Join(eval.Sections(), ", "), env.CorpusDir)
	code := eval.Run(ctx, env, only, out)
	stop()
	os.Exit(code)
}
