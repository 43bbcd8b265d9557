package imports

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

type importJobRow struct {
	ID         string     `gorm:"column:id;primaryKey"`
	Kind       string     `gorm:"column:kind"`
	FileName   string     `gorm:"column:file_name"`
	DryRun     bool       `gorm:"column:dry_run"`
	Status     string     `gorm:"column:status"`
	Done       int        `gorm:"column:done"`
	Total      int        `gorm:"column:total"`
	ResultJSON *string    `gorm:"column:result_json"`
	ReportJSON *string    `gorm:"column:report_json"`
	Error      string     `gorm:"column:error"`
	CreatedBy  *string    `gorm:"column:created_by"`
	CreatedAt  time.Time  `gorm:"column:created_at"`
	FinishedAt *time.Time `gorm:"column:finished_at"`
}

func (importJobRow) TableName() string { return "import_jobs" }

func (r importJobRow) domain() casereview.ImportJob {
	j := casereview.ImportJob{ID: r.ID, Kind: r.Kind, FileName: r.FileName, DryRun: r.DryRun, Status: r.Status, Done: r.Done,
		Total: r.Total, Error: r.Error, CreatedBy: deref(r.CreatedBy), CreatedAt: r.CreatedAt.UTC(), Report: []casereview.ImportIssue{}}
	if r.FinishedAt != nil {
		t := r.FinishedAt.UTC()
		j.FinishedAt = &t
	}
	if r.ResultJSON != nil {
		var res casereview.ImportResult
		if json.Unmarshal([]byte(*r.ResultJSON), &res) == nil {
			j.Result = &res
		}
	}
	if r.ReportJSON != nil {
		_ = json.Unmarshal([]byte(*r.ReportJSON), &j.Report)
	}
	return j
}

// CreateImportJob records a queued import for the caller, who must be signed in; the request
// is audited. What the import writes is checked and audited when it runs.
func (s *Service) CreateImportJob(ctx context.Context, kind, fileName string, dryRun bool) (casereview.ImportJob, error) {
	a := casereview.ActorFrom(ctx)
	if !a.SignedIn() {
		return casereview.ImportJob{}, casereview.Unauthenticated()
	}
	if kind == "state" {
		// A whole-state import (bulk JSON /2): admins only. The job is a json job.
		if !casereview.CanMoveState(a) {
			return casereview.ImportJob{}, casereview.Deny(a, "only admins import an instance's state")
		}
		kind = "json"
	} else if !casereview.CanStartImport(a) {
		return casereview.ImportJob{}, casereview.Deny(a, "only panel members import reviews")
	}
	var p casereview.Problems
	if kind != "actionplan" && kind != "json" {
		p.Add("kind", casereview.FieldUnknownValue, "%q is not one of: actionplan, json", kind)
	}
	casereview.CheckText(&p, "file", fileName, false, 300)
	if err := p.Err(); err != nil {
		return casereview.ImportJob{}, err
	}
	row := importJobRow{ID: store.NewID(), Kind: kind, FileName: fileName, DryRun: dryRun, Status: casereview.JobQueued, CreatedBy: optional(a.UserID)}
	err := s.st.Write(ctx, func(t store.Tx) error {
		row.CreatedAt = t.Now()
		t.Audit(casereview.AuditImportRequested, "import", row.ID, nil, map[string]any{"kind": kind, "file_name": fileName, "dry_run": dryRun})
		return t.DB().Create(&row).Error
	})
	return row.domain(), err
}

// UpdateImportJob records progress or the end of a job. Only the job's creator's own runner
// calls it (the API starts it with the creator's context).
func (s *Service) UpdateImportJob(ctx context.Context, j casereview.ImportJob) error {
	cur, err := s.GetImportJob(ctx, j.ID)
	if err != nil {
		return err
	}
	if !casereview.CanUpdateImportJob(casereview.ActorFrom(ctx), cur.CreatedBy) {
		return casereview.NotFound("import")
	}
	up := map[string]any{"status": j.Status, "done": j.Done, "total": j.Total, "error": j.Error}
	if j.Result != nil {
		b, _ := json.Marshal(j.Result)
		up["result_json"] = string(b)
	}
	if j.Report != nil {
		b, _ := json.Marshal(j.Report)
		up["report_json"] = string(b)
	}
	if j.FinishedAt != nil {
		up["finished_at"] = j.FinishedAt.UTC()
	}
	// A job's progress is bookkeeping, not a change of case data: nothing to journal or audit
	// (the request was audited when it was made, and the import's writes are audited as theirs).
	return s.st.Write(ctx, func(t store.Tx) error {
		return t.DB().Model(&importJobRow{}).Where("id = ?", j.ID).Updates(up).Error
	})
}

// GetImportJob returns a job to the user who started it, to oversight and to admins.
func (s *Service) GetImportJob(ctx context.Context, id string) (casereview.ImportJob, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.ImportJob{}, casereview.NotFound("import")
	}
	var rows []importJobRow
	if err := s.st.Read(ctx, func(q store.Query) error {
		return q.DB().Where("id = ?", id).Limit(1).Find(&rows).Error
	}); err != nil {
		return casereview.ImportJob{}, err
	}
	if len(rows) == 0 || !casereview.CanReadImportJob(casereview.ActorFrom(ctx), deref(rows[0].CreatedBy)) {
		return casereview.ImportJob{}, casereview.NotFound("import")
	}
	return rows[0].domain(), nil
}

// orphanMessage is what a job whose runner died says.
const orphanMessage = "the process running this import stopped before it finished; nothing of it was written"

// ClaimImportJob marks a job as run by this process until release is called. On PostgreSQL,
// where several processes share the jobs, it holds a session advisory lock on the job on a
// connection of its own: the lock ends with the process, however it ends, so a starting
// process can tell a job whose runner died from one another process is running. On SQLite one
// process owns the file, and a claim is only a note.
func (s *Service) ClaimImportJob(ctx context.Context, id string) (release func(), err error) {
	if s.st.Dialect() != migrations.Postgres {
		return func() {}, nil
	}
	conn, err := s.st.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", jobLockKey(id)); err != nil {
		conn.Close()
		return nil, store.Translate(err)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", jobLockKey(id))
		conn.Close()
	}, nil
}

func jobLockKey(id string) int64 {
	h := fnv.New64a()
	h.Write([]byte("import_job:" + id))
	return int64(h.Sum64())
}

// FailOrphanedImportJobs marks failed the jobs whose runner died (a crash, kill -9, a restart
// mid-import), so that none stays running for ever; what such a job wrote was rolled back
// with its transaction. It runs when the application starts. A running job is orphaned when no
// process holds its claim (on SQLite: always, at start); a queued one when it has waited over
// a minute for a runner that never claimed it.
func (s *Service) FailOrphanedImportJobs(ctx context.Context) (int, error) {
	var rows []importJobRow
	now := s.st.Now().UTC()
	err := s.st.Read(ctx, func(q store.Query) error {
		return q.DB().Where("status = ? OR (status = ? AND created_at < ?)", casereview.JobRunning, casereview.JobQueued,
			now.Add(-time.Minute)).Find(&rows).Error
	})
	if err != nil {
		return 0, err
	}
	var orphans []string
	for _, r := range rows {
		if s.st.Dialect() == migrations.Postgres && r.Status == casereview.JobRunning {
			held, err := s.claimHeld(ctx, r.ID)
			if err != nil {
				return 0, err
			}
			if held {
				continue
			}
		}
		orphans = append(orphans, r.ID)
	}
	if len(orphans) == 0 {
		return 0, nil
	}
	err = s.st.Write(ctx, func(t store.Tx) error {
		return t.DB().Model(&importJobRow{}).Where("id IN ? AND status IN ?", orphans, []string{casereview.JobQueued, casereview.JobRunning}).
			Updates(map[string]any{"status": casereview.JobFailed, "error": orphanMessage, "finished_at": now}).Error
	})
	return len(orphans), err
}

// claimHeld reports whether some process holds a job's claim.
func (s *Service) claimHeld(ctx context.Context, id string) (bool, error) {
	conn, err := s.st.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", jobLockKey(id)).Scan(&got); err != nil {
		return false, store.Translate(err)
	}
	if got {
		_, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", jobLockKey(id))
	}
	return !got, nil
}
