// Package config reads the service's configuration from the environment, once, and validates it
// so that a mistake stops the process at start with a message that names the variable.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration.
type Config struct {
	Addr        string // CASEREVIEW_ADDR
	DataDir     string // CASEREVIEW_DATA_DIR
	DatabaseURL string // CASEREVIEW_DATABASE_URL (or _FILE); empty = embedded SQLite
	// DatabasePassword is CASEREVIEW_DATABASE_PASSWORD (or _FILE): the PostgreSQL password kept
	// out of the URL, where @, / and % break it and from where it leaks into messages.
	DatabasePassword string
	LogLevel         slog.Level    // CASEREVIEW_LOG_LEVEL
	LogFormat        string        // CASEREVIEW_LOG_FORMAT: text or json
	Demo             bool          // CASEREVIEW_DEMO: load the fictional demo data into an empty database
	MaxBodyBytes     int64         // CASEREVIEW_MAX_BODY_BYTES
	ShutdownTimeout  time.Duration // CASEREVIEW_SHUTDOWN_TIMEOUT

	SessionIdle      time.Duration // CASEREVIEW_SESSION_IDLE_TIMEOUT
	SessionMax       time.Duration // CASEREVIEW_SESSION_MAX_AGE
	MFARequiredRoles []string      // CASEREVIEW_MFA_REQUIRED_ROLES
	CookieSecure     string        // CASEREVIEW_COOKIE_SECURE: auto, always or never
	LockAfter        int           // CASEREVIEW_LOCKOUT_THRESHOLD
	LockFor          time.Duration // CASEREVIEW_LOCKOUT_DURATION
	TrustedProxies   []string      // CASEREVIEW_TRUSTED_PROXIES
	Reconcile        time.Duration // CASEREVIEW_RECONCILE_INTERVAL
	SDCThreshold     int           // CASEREVIEW_SDC_THRESHOLD: smallest count shown in shareable summaries
	// ImportConcurrency is how many import jobs run at once (CASEREVIEW_IMPORT_CONCURRENCY);
	// ImportQueue how many more may wait (CASEREVIEW_IMPORT_QUEUE). Uploads beyond get 503.
	ImportConcurrency, ImportQueue int
	JournalRetention               time.Duration // CASEREVIEW_JOURNAL_RETENTION
	Checkpoints                    time.Duration // CASEREVIEW_AUDIT_CHECKPOINT_INTERVAL
	// MetricsAddr is where Prometheus's /metrics is served (CASEREVIEW_METRICS_ADDR); empty
	// serves none. Never the public address: the counts describe the service's use.
	MetricsAddr string
	// MetricsToken, when set, is the bearer token /metrics requires (CASEREVIEW_METRICS_TOKEN or _FILE).
	MetricsToken string
	// SecretKey seals second-factor secrets at rest (CASEREVIEW_SECRET_KEY or _FILE); empty is
	// refused at start unless Demo, which keeps a generated key in the data folder.
	SecretKey string
	// SecretKeyOld is the previous key during a rotation (CASEREVIEW_SECRET_KEY_OLD or _FILE).
	SecretKeyOld string

	// Notifications (docs/notifications.md). SMTPURL empty keeps emails in the outbox.
	SMTPURL, SMTPFrom string
	PublicURL         string       // CASEREVIEW_PUBLIC_URL: the address links in emails start with
	RemindBefore      []int        // CASEREVIEW_REMIND_BEFORE_DAYS
	RemindEvery       int          // CASEREVIEW_REMIND_OVERDUE_EVERY_DAYS
	EscalateAfter     int          // CASEREVIEW_ESCALATE_AFTER_DAYS
	WeeklyDigestOn    time.Weekday // CASEREVIEW_WEEKLY_DIGEST_DAY
	Notifications     bool         // CASEREVIEW_NOTIFICATIONS: run the scheduler in this process
}

// Var documents one environment variable; README's configuration table is written from these.
type Var struct {
	Name, Default, Help string
	Secret              bool // may be given as NAME_FILE, a path to a file holding the value
}

// Vars lists every variable the service reads.
var Vars = []Var{
	{Name: "CASEREVIEW_ADDR", Default: "localhost:8080", Help: "address to listen on (host:port)"},
	{Name: "CASEREVIEW_DATA_DIR", Default: "./data", Help: "folder for the embedded SQLite database and the search index (index/)"},
	{Name: "CASEREVIEW_DATABASE_URL", Default: "", Help: "postgres://… selects PostgreSQL; empty uses embedded SQLite in the data folder", Secret: true},
	{Name: "CASEREVIEW_DATABASE_PASSWORD", Default: "", Help: "the PostgreSQL password, given apart from the URL (any characters; the URL then carries none)", Secret: true},
	{Name: "CASEREVIEW_LOG_LEVEL", Default: "info", Help: "debug, info, warn or error"},
	{Name: "CASEREVIEW_LOG_FORMAT", Default: "text", Help: "text or json"},
	{Name: "CASEREVIEW_DEMO", Default: "false", Help: "load the fictional demo dataset when the database holds no reviews"},
	{Name: "CASEREVIEW_MAX_BODY_BYTES", Default: "1048576", Help: "largest request body accepted"},
	{Name: "CASEREVIEW_SHUTDOWN_TIMEOUT", Default: "15s", Help: "how long in-flight requests get to finish on SIGTERM"},
	{Name: "CASEREVIEW_SESSION_IDLE_TIMEOUT", Default: "30m", Help: "a session unused this long ends (OWASP ASVS L2)"},
	{Name: "CASEREVIEW_SESSION_MAX_AGE", Default: "12h", Help: "a session ends this long after sign-in, whatever happens"},
	{Name: "CASEREVIEW_MFA_REQUIRED_ROLES", Default: "admin,oversight", Help: "roles that must use an authenticator app (comma-separated, or none)"},
	{Name: "CASEREVIEW_COOKIE_SECURE", Default: "auto", Help: "Secure session cookie: auto (when served over TLS), always (behind a TLS proxy) or never"},
	{Name: "CASEREVIEW_LOCKOUT_THRESHOLD", Default: "10", Help: "failed sign-ins before a temporary lockout (1 to 10)"},
	{Name: "CASEREVIEW_LOCKOUT_DURATION", Default: "15m", Help: "how long a lockout lasts"},
	{Name: "CASEREVIEW_RECONCILE_INTERVAL", Default: "15m", Help: "how often the search index is compared with the database and repaired"},
	{Name: "CASEREVIEW_SDC_THRESHOLD", Default: "5", Help: "smallest count shown in summaries marked for sharing; smaller ones show as <5 (2 to 100)"},
	{Name: "CASEREVIEW_IMPORT_CONCURRENCY", Default: "2", Help: "import jobs that run at once (1 to 64); each holds its file in memory while it runs"},
	{Name: "CASEREVIEW_IMPORT_QUEUE", Default: "8", Help: "import jobs that may wait for their turn (0 to 1000); uploads beyond are refused with 503 and Retry-After"},
	{Name: "CASEREVIEW_JOURNAL_RETENTION", Default: "168h", Help: "change-journal rows older than this are pruned; an index further behind is rebuilt"},
	{Name: "CASEREVIEW_AUDIT_CHECKPOINT_INTERVAL", Default: "1h", Help: "how often the server signs the audit chain's head into checkpoints.jsonl in the data folder and the log (also at start and shutdown)"},
	{Name: "CASEREVIEW_SECRET_KEY", Default: "", Secret: true, Help: "32 random bytes as base64 (openssl rand -base64 32) that encrypt second-factor secrets at rest; required unless CASEREVIEW_DEMO=true"},
	{Name: "CASEREVIEW_SECRET_KEY_OLD", Default: "", Secret: true, Help: "the previous CASEREVIEW_SECRET_KEY while rotating it: secrets are re-encrypted under the new key at start"},
	{Name: "CASEREVIEW_METRICS_ADDR", Default: "", Help: "host:port of a separate listener serving Prometheus metrics at /metrics (e.g. :9090 on a private network); empty serves none"},
	{Name: "CASEREVIEW_METRICS_TOKEN", Default: "", Secret: true, Help: "when set, /metrics requires Authorization: Bearer <token>"},
	{Name: "CASEREVIEW_TRUSTED_PROXIES", Default: "", Help: "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed"},
	{Name: "CASEREVIEW_SMTP_URL", Default: "", Secret: true, Help: "smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS); empty keeps emails in the outbox (admin page Outbox)"},
	{Name: "CASEREVIEW_SMTP_FROM", Default: "", Help: "the address emails come from (required with CASEREVIEW_SMTP_URL)"},
	{Name: "CASEREVIEW_PUBLIC_URL", Default: "http://localhost:8080", Help: "the service's address as people reach it: links in emails start with it"},
	{Name: "CASEREVIEW_REMIND_BEFORE_DAYS", Default: "28,7", Help: "remind the addressed organisation this many days before a response or action is due (comma-separated; none for no reminders)"},
	{Name: "CASEREVIEW_REMIND_OVERDUE_EVERY_DAYS", Default: "7", Help: "remind again every this many days while a response or action is overdue (1 to 365)"},
	{Name: "CASEREVIEW_ESCALATE_AFTER_DAYS", Default: "30", Help: "escalate to the organisation's senior contact and oversight when overdue this many days (1 to 3650)"},
	{Name: "CASEREVIEW_WEEKLY_DIGEST_DAY", Default: "monday", Help: "the day weekly digests are sent"},
	{Name: "CASEREVIEW_NOTIFICATIONS", Default: "true", Help: "run the daily reminder evaluation and the email sender in this server (replicas share them through the database)"},
}

// Load reads the configuration through getenv (os.Getenv in production, a map in tests) and
// readFile (for _FILE variants), reporting every problem at once.
func Load(getenv func(string) string, readFile func(string) ([]byte, error)) (Config, error) {
	var errs []error
	get := func(name string) string {
		for _, v := range Vars {
			if v.Name != name {
				continue
			}
			val := getenv(name)
			if v.Secret {
				if path := getenv(name + "_FILE"); path != "" {
					if val != "" {
						errs = append(errs, fmt.Errorf("%s and %s_FILE are both set; set one", name, name))
					}
					b, err := readFile(path)
					if err != nil {
						errs = append(errs, fmt.Errorf("%s_FILE: %w", name, err))
					}
					val = strings.TrimSpace(string(b))
				}
			}
			if val == "" {
				val = v.Default
			}
			return val
		}
		panic("config: undeclared variable " + name)
	}
	c := Config{SecretKey: get("CASEREVIEW_SECRET_KEY"), SecretKeyOld: get("CASEREVIEW_SECRET_KEY_OLD"), Addr: get("CASEREVIEW_ADDR"), DataDir: get("CASEREVIEW_DATA_DIR"), DatabaseURL: get("CASEREVIEW_DATABASE_URL"),
		DatabasePassword: get("CASEREVIEW_DATABASE_PASSWORD"),
		MetricsAddr:      get("CASEREVIEW_METRICS_ADDR"), MetricsToken: get("CASEREVIEW_METRICS_TOKEN"),
		LogFormat: get("CASEREVIEW_LOG_FORMAT")}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		errs = append(errs, fmt.Errorf("CASEREVIEW_ADDR %q is not host:port (for example localhost:8080 or :8080)", c.Addr))
	}
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("CASEREVIEW_METRICS_ADDR %q is not host:port (for example :9090)", c.MetricsAddr))
		} else if c.MetricsAddr == c.Addr {
			errs = append(errs, errors.New("CASEREVIEW_METRICS_ADDR must differ from CASEREVIEW_ADDR: metrics are not for the public address"))
		}
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("CASEREVIEW_DATA_DIR must not be empty"))
	}
	if u := c.DatabaseURL; u != "" && !strings.HasPrefix(u, "postgres://") && !strings.HasPrefix(u, "postgresql://") {
		errs = append(errs, errors.New("CASEREVIEW_DATABASE_URL must start with postgres:// (leave it empty for embedded SQLite)"))
	}
	if c.DatabasePassword != "" {
		switch {
		case c.DatabaseURL == "":
			errs = append(errs, errors.New("CASEREVIEW_DATABASE_PASSWORD is set but CASEREVIEW_DATABASE_URL is not (the embedded SQLite takes no password)"))
		case urlHasPassword(c.DatabaseURL):
			errs = append(errs, errors.New("CASEREVIEW_DATABASE_URL holds a password and CASEREVIEW_DATABASE_PASSWORD is set; give the password in one place"))
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("CASEREVIEW_LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("CASEREVIEW_LOG_LEVEL: want debug, info, warn or error"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("CASEREVIEW_LOG_FORMAT %q: want text or json", c.LogFormat))
	}
	var err error
	if c.Demo, err = strconv.ParseBool(get("CASEREVIEW_DEMO")); err != nil {
		errs = append(errs, fmt.Errorf("CASEREVIEW_DEMO: want true or false"))
	}
	if c.MaxBodyBytes, err = strconv.ParseInt(get("CASEREVIEW_MAX_BODY_BYTES"), 10, 64); err != nil || c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("CASEREVIEW_MAX_BODY_BYTES: want a whole number of bytes, at least 1024"))
	}
	if c.ShutdownTimeout, err = time.ParseDuration(get("CASEREVIEW_SHUTDOWN_TIMEOUT")); err != nil || c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("CASEREVIEW_SHUTDOWN_TIMEOUT: want a duration such as 15s"))
	}
	duration := func(name string, dst *time.Duration) {
		d, err := time.ParseDuration(get(name))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a duration such as 30m", name))
		}
		*dst = d
	}
	duration("CASEREVIEW_SESSION_IDLE_TIMEOUT", &c.SessionIdle)
	duration("CASEREVIEW_SESSION_MAX_AGE", &c.SessionMax)
	duration("CASEREVIEW_LOCKOUT_DURATION", &c.LockFor)
	duration("CASEREVIEW_RECONCILE_INTERVAL", &c.Reconcile)
	duration("CASEREVIEW_JOURNAL_RETENTION", &c.JournalRetention)
	duration("CASEREVIEW_AUDIT_CHECKPOINT_INTERVAL", &c.Checkpoints)
	if c.SessionIdle > c.SessionMax {
		errs = append(errs, errors.New("CASEREVIEW_SESSION_IDLE_TIMEOUT must not be longer than CASEREVIEW_SESSION_MAX_AGE"))
	}
	if roles := strings.TrimSpace(get("CASEREVIEW_MFA_REQUIRED_ROLES")); roles != "none" {
		for _, r := range strings.Split(roles, ",") {
			r = strings.TrimSpace(r)
			switch r {
			case "admin", "oversight", "panel", "agency_editor", "viewer":
				c.MFARequiredRoles = append(c.MFARequiredRoles, r)
			default:
				errs = append(errs, fmt.Errorf("CASEREVIEW_MFA_REQUIRED_ROLES: %q is not a role (admin, oversight, panel, agency_editor, viewer) or none", r))
			}
		}
	}
	if c.CookieSecure = get("CASEREVIEW_COOKIE_SECURE"); c.CookieSecure != "auto" && c.CookieSecure != "always" && c.CookieSecure != "never" {
		errs = append(errs, fmt.Errorf("CASEREVIEW_COOKIE_SECURE %q: want auto, always or never", c.CookieSecure))
	}
	if c.LockAfter, err = strconv.Atoi(get("CASEREVIEW_LOCKOUT_THRESHOLD")); err != nil || c.LockAfter < 1 || c.LockAfter > 10 {
		errs = append(errs, errors.New("CASEREVIEW_LOCKOUT_THRESHOLD: want a whole number from 1 to 10"))
	}
	if c.SDCThreshold, err = strconv.Atoi(get("CASEREVIEW_SDC_THRESHOLD")); err != nil || c.SDCThreshold < 2 || c.SDCThreshold > 100 {
		errs = append(errs, errors.New("CASEREVIEW_SDC_THRESHOLD: want a whole number from 2 to 100"))
	}
	if c.ImportConcurrency, err = strconv.Atoi(get("CASEREVIEW_IMPORT_CONCURRENCY")); err != nil || c.ImportConcurrency < 1 || c.ImportConcurrency > 64 {
		errs = append(errs, errors.New("CASEREVIEW_IMPORT_CONCURRENCY: want a whole number from 1 to 64"))
	}
	if c.ImportQueue, err = strconv.Atoi(get("CASEREVIEW_IMPORT_QUEUE")); err != nil || c.ImportQueue < 0 || c.ImportQueue > 1000 {
		errs = append(errs, errors.New("CASEREVIEW_IMPORT_QUEUE: want a whole number from 0 to 1000"))
	}
	for _, p := range strings.Split(get("CASEREVIEW_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				errs = append(errs, fmt.Errorf("CASEREVIEW_TRUSTED_PROXIES: %q is not an IP address or CIDR", p))
				continue
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	c.SMTPURL, c.SMTPFrom, c.PublicURL = get("CASEREVIEW_SMTP_URL"), get("CASEREVIEW_SMTP_FROM"), strings.TrimRight(get("CASEREVIEW_PUBLIC_URL"), "/")
	if !strings.HasPrefix(c.PublicURL, "http://") && !strings.HasPrefix(c.PublicURL, "https://") {
		errs = append(errs, fmt.Errorf("CASEREVIEW_PUBLIC_URL %q: want http://… or https://…", c.PublicURL))
	}
	if c.SMTPURL != "" && c.SMTPFrom == "" {
		errs = append(errs, errors.New("CASEREVIEW_SMTP_FROM is required with CASEREVIEW_SMTP_URL: the address emails come from"))
	}
	if v := strings.TrimSpace(get("CASEREVIEW_REMIND_BEFORE_DAYS")); v != "none" {
		for _, p := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n < 0 || n > 365 {
				errs = append(errs, fmt.Errorf("CASEREVIEW_REMIND_BEFORE_DAYS: %q is not a number of days from 0 to 365", p))
				continue
			}
			c.RemindBefore = append(c.RemindBefore, n)
		}
	}
	if c.RemindEvery, err = strconv.Atoi(get("CASEREVIEW_REMIND_OVERDUE_EVERY_DAYS")); err != nil || c.RemindEvery < 1 || c.RemindEvery > 365 {
		errs = append(errs, errors.New("CASEREVIEW_REMIND_OVERDUE_EVERY_DAYS: want a whole number from 1 to 365"))
	}
	if c.EscalateAfter, err = strconv.Atoi(get("CASEREVIEW_ESCALATE_AFTER_DAYS")); err != nil || c.EscalateAfter < 1 || c.EscalateAfter > 3650 {
		errs = append(errs, errors.New("CASEREVIEW_ESCALATE_AFTER_DAYS: want a whole number from 1 to 3650"))
	}
	day, known := strings.ToLower(get("CASEREVIEW_WEEKLY_DIGEST_DAY")), false
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.ToLower(d.String()) == day {
			c.WeeklyDigestOn, known = d, true
		}
	}
	if !known {
		errs = append(errs, fmt.Errorf("CASEREVIEW_WEEKLY_DIGEST_DAY %q: want a day of the week, such as monday", day))
	}
	if c.Notifications, err = strconv.ParseBool(get("CASEREVIEW_NOTIFICATIONS")); err != nil {
		errs = append(errs, errors.New("CASEREVIEW_NOTIFICATIONS: want true or false"))
	}
	return c, errors.Join(errs...)
}

// urlHasPassword reports whether a postgres:// URL carries a password in its user information
// (user:password@host) or its query (?password=…), without ever quoting it.
func urlHasPassword(u string) bool {
	rest := u[strings.Index(u, "://")+3:]
	host := rest
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		host = rest[:i]
	}
	if at := strings.LastIndex(host, "@"); at >= 0 && strings.Contains(host[:at], ":") {
		return true
	}
	if i := strings.Index(rest, "?"); i >= 0 {
		for _, kv := range strings.Split(rest[i+1:], "&") {
			if strings.HasPrefix(kv, "password=") {
				return true
			}
		}
	}
	return false
}

// FromEnvironment loads the configuration of this process.
func FromEnvironment() (Config, error) { return Load(os.Getenv, os.ReadFile) }

// SQLitePath is where the embedded database lives.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "casereview.db") }

// UsesPostgres reports whether the configuration selects PostgreSQL.
func (c Config) UsesPostgres() bool { return c.DatabaseURL != "" }
