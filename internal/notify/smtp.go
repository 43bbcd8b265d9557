// Package notify delivers what the store queues in its transactional outbox (issue 18): the
// email sender, with retries and backoff and a check of permissions at send time, and the one
// in-process scheduler that runs the daily reminder ladder, the digests and the sender, each on
// one replica at a time.
package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mailer sends one email through the configured SMTP server.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMTP is a mail server reached as CASEREVIEW_SMTP_URL says:
//
//	smtp://user:password@host:587   STARTTLS, required (port 587 by default)
//	smtps://user:password@host:465  TLS from the first byte (port 465 by default)
//	smtp://host:25?starttls=optional  STARTTLS when the server offers it (a local relay)
//
// The sender's address is CASEREVIEW_SMTP_FROM.
type SMTP struct {
	Host        string
	Port        int
	ImplicitTLS bool
	TLSPolicy   mail.TLSPolicy
	Username    string
	Password    string
	From        string
	// TLSConfig replaces the default (the system's roots, the URL's host): tests trust their
	// own server's certificate with it.
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// ParseSMTPURL reads CASEREVIEW_SMTP_URL. Errors never quote the password.
func ParseSMTPURL(raw, from string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("CASEREVIEW_SMTP_URL is not a URL (smtp://user:password@host:587 or smtps://…)")
	}
	s := &SMTP{Host: u.Hostname(), From: from, TLSPolicy: mail.TLSMandatory, Timeout: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.ImplicitTLS = 465, true
	default:
		return nil, fmt.Errorf("CASEREVIEW_SMTP_URL must start with smtp:// (STARTTLS) or smtps:// (TLS), not %q", u.Scheme+"://")
	}
	if s.Host == "" {
		return nil, fmt.Errorf("CASEREVIEW_SMTP_URL names no host")
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil || s.Port < 1 || s.Port > 65535 {
			return nil, fmt.Errorf("CASEREVIEW_SMTP_URL: %q is not a port", p)
		}
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	switch v := u.Query().Get("starttls"); v {
	case "", "required":
	case "optional":
		if s.ImplicitTLS {
			return nil, fmt.Errorf("CASEREVIEW_SMTP_URL: starttls=optional goes with smtp://, not smtps://")
		}
		s.TLSPolicy = mail.TLSOpportunistic
	default:
		return nil, fmt.Errorf("CASEREVIEW_SMTP_URL: starttls=%q: want required or optional", v)
	}
	if strings.TrimSpace(from) == "" {
		return nil, fmt.Errorf("CASEREVIEW_SMTP_FROM is required with CASEREVIEW_SMTP_URL: the address emails come from")
	}
	return s, nil
}

func (s *SMTP) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(s.Timeout)}
	if s.ImplicitTLS {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(s.TLSPolicy))
	}
	if s.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(s.TLSConfig))
	}
	if s.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.Username), mail.WithPassword(s.Password))
	}
	return mail.NewClient(s.Host, opts...)
}

// Send delivers one plain-text email.
func (s *SMTP) Send(ctx context.Context, to, subject, body string) error {
	m := mail.NewMsg(mail.WithEncoding(mail.NoEncoding)) // 8bit: links stay whole for people and screen readers
	if err := m.From(s.From); err != nil {
		return fmt.Errorf("from address: %w", err)
	}
	if err := m.To(to); err != nil {
		return fmt.Errorf("recipient address: %w", err)
	}
	m.Subject(subject)
	m.SetMessageID()
	m.SetDate()
	m.SetBodyString(mail.TypeTextPlain, body)
	c, err := s.client()
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}
