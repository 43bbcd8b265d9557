package importer

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/importer/bulkjson"
)

// Jobs starts import jobs for both front ends (the API's POST /api/v1/imports and the web UI's
// action-plan upload): each is recorded, waits for its turn in the Gate and runs in the
// background as the user who started it, every write checked and audited as theirs.
type Jobs struct {
	Service casereview.Service
	Imports casereview.ImportService // writes the bundles and keeps the jobs (internal/store/imports)
	State   casereview.StateService
	Gate    *Gate
	Now     func() time.Time
}

// NewJobs runs jobs over svc, imports and states, bounded by gate.
func NewJobs(svc casereview.Service, imports casereview.ImportService, states casereview.StateService, gate *Gate, now func() time.Time) *Jobs {
	if gate == nil {
		gate = NewGate(DefaultRunning, DefaultQueue)
	}
	if now == nil {
		now = time.Now
	}
	return &Jobs{Service: svc, Imports: imports, State: states, Gate: gate, Now: now}
}

// Get returns a job to whoever may read it (casereview.CanReadImportJob); to anyone else it
// does not exist.
func (j *Jobs) Get(ctx context.Context, id string) (casereview.ImportJob, error) {
	if j.Imports == nil {
		return casereview.ImportJob{}, errNoImports
	}
	return j.Imports.GetImportJob(ctx, id)
}

// errNoImports answers for jobs built without an ImportService.
var errNoImports = &casereview.Error{Code: casereview.CodeUnavailable, Message: "imports are not available on this service"}

// services are what an importer needs: the store's reads and the bundle import.
type services struct {
	casereview.Service
	casereview.ImportService
}

// Upload is one file to import and what came with it.
type Upload struct {
	Kind     string // actionplan, json or state (a whole-state file)
	FileName string
	Data     []byte
	Review   casereview.ReviewDraft
	// CreateOrganisations creates the lead agencies that match no organisation (and that
	// Matches does not resolve).
	CreateOrganisations bool
	// Matches resolves lead-agency text that matches no organisation to the organisation
	// named (for an action plan).
	Matches map[string]string
	DryRun  bool
	// Finished, when set, hears an action plan's outcome (its unmatched agencies, say) once
	// the job is recorded as finished.
	Finished func(actionplan.Outcome)
}

// Admit takes a place in the gate for a job about to be read; see Gate.Admit.
func (j *Jobs) Admit() (*Ticket, error) { return j.Gate.Admit() }

// Start records the job and starts it in the background; it takes over *ticket, its place in
// the gate, leaving nil there. The job outlives the request but keeps its caller.
func (j *Jobs) Start(c context.Context, ticket **Ticket, u Upload) (casereview.ImportJob, error) {
	// The kind goes to the store as it is: "state" is how the store knows to allow admins only
	// (it records the job as a json job).
	if j.Imports == nil {
		return casereview.ImportJob{}, errNoImports
	}
	job, err := j.Imports.CreateImportJob(c, u.Kind, u.FileName, u.DryRun)
	if err != nil {
		return job, err
	}
	go j.run(context.WithoutCancel(c), *ticket, job, u)
	*ticket = nil
	return job, nil
}

// run runs one job to its end, in its turn. Progress is recorded by a ticker of its own, never
// from inside the import's transaction (on SQLite that would wait for the transaction's own
// lock).
func (j *Jobs) run(ctx context.Context, ticket *Ticket, job casereview.ImportJob, f Upload) {
	ticket.Holds(len(f.Data))
	defer ticket.Done()
	svc := services{j.Service, j.Imports}
	var mu sync.Mutex
	// The claim tells a process starting meanwhile that this job is not orphaned.
	release, err := svc.ClaimImportJob(ctx, job.ID)
	if err != nil {
		release = func() {} // the job still runs; only a restart meanwhile could misjudge it
	}
	defer release()
	_ = ticket.Wait(ctx) // ctx is never cancelled: the job waits for as long as its turn takes
	job.Status = casereview.JobRunning
	_ = svc.UpdateImportJob(ctx, job)
	progress := func(done, total int) {
		mu.Lock()
		job.Done, job.Total = done, total
		mu.Unlock()
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		seen := -1
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				mu.Lock()
				cur := job
				mu.Unlock()
				if cur.Done != seen {
					seen = cur.Done
					_ = svc.UpdateImportJob(ctx, cur)
				}
			}
		}
	}()
	finish := func(res *casereview.ImportResult, report []casereview.ImportIssue, err error) {
		close(stop)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		now := j.Now().UTC()
		job.FinishedAt, job.Result, job.Report = &now, res, report
		if job.Report == nil {
			job.Report = []casereview.ImportIssue{}
		}
		job.Status = casereview.JobSucceeded
		if res == nil || err != nil {
			job.Status = casereview.JobFailed
			job.Error = "the file has problems to fix (see the report); nothing was written"
		}
		if err != nil {
			job.Error = errorMessage(err)
			for _, fe := range fieldErrors(err) {
				job.Report = append(job.Report, casereview.ImportIssue{Column: fe.Field, Severity: actionplan.SeverityError, Problem: fe.Message})
			}
		}
		if res != nil {
			job.Done, job.Total = res.Recommendations(), res.Recommendations()
		}
		// The next job's turn comes before this one is recorded as finished: whoever sees it
		// finished may upload again at once.
		ticket.Done()
		_ = svc.UpdateImportJob(ctx, job)
	}
	switch job.Kind {
	case "json":
		doc, err := bulkjson.Read(f.Data)
		if err != nil {
			finish(nil, nil, err)
			return
		}
		if f.Kind != "state" && doc.V2 != nil {
			finish(nil, nil, casereview.Invalid("file", casereview.FieldInvalid, "a whole-state file (%s) is imported with POST /api/v1/instance-imports", bulkjson.FormatV2))
			return
		}
		if f.Kind == "state" && doc.V2 == nil {
			finish(nil, nil, casereview.Invalid("file", casereview.FieldInvalid, "POST /api/v1/instance-imports takes a whole-state file (%s)", bulkjson.FormatV2))
			return
		}
		res, err := bulkjson.ImportDocument(ctx, svc, j.State, doc, bulkjson.Options{DryRun: job.DryRun, Progress: progress})
		if err != nil {
			finish(nil, nil, err)
			return
		}
		finish(&res, nil, nil)
	default:
		out, err := actionplan.Import(ctx, svc, actionplan.Request{FileName: f.FileName, Data: f.Data, Review: f.Review,
			CreateOrganisations: f.CreateOrganisations, Matches: f.Matches, DryRun: job.DryRun, Today: casereview.DateOf(j.Now()), Progress: progress})
		if f.Finished != nil {
			f.Finished(out) // before the job shows finished: whoever polls it then finds the outcome
		}
		finish(out.Result, out.Report.Issues, err)
	}
}

// errorMessage and fieldErrors describe a domain error for a job's record.
func errorMessage(err error) string {
	var de *casereview.Error
	if errors.As(err, &de) {
		return de.Message
	}
	return "internal error"
}

func fieldErrors(err error) []casereview.FieldError {
	var de *casereview.Error
	if errors.As(err, &de) {
		return de.Fields
	}
	return nil
}
