// Command casereview serves the case-review recommendations repository.
package main

import (
	"os"

	"github.com/casereview/casereview/internal/app"
)

func main() { os.Exit(app.Main(os.Args, os.Stdout, os.Stderr)) }
