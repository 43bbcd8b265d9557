package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Session is a signed-in user talking to the running server over HTTP.
type Session struct {
	Email   string
	base    string
	cookies []*http.Cookie
	csrf    string
	client  *http.Client
}

// Login signs in with a password and keeps the session cookie and CSRF token.
func Login(base, email, password string) (*Session, error) {
	tr := &http.Transport{MaxIdleConns: 512, MaxIdleConnsPerHost: 512, IdleConnTimeout: time.Minute}
	s := &Session{Email: email, base: base, client: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := s.client.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("sign in: %d %s", resp.StatusCode, raw)
	}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	s.cookies, s.csrf = resp.Cookies(), out.CSRF
	return s, nil
}

// Do sends a request with the session; body, when not nil, is sent as JSON. It returns the
// status, the body and the response headers.
func (s *Session) Do(method, path string, body any, headers ...string) (int, []byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	for _, c := range s.cookies {
		req.AddCookie(c)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, resp.Header, err
}

// Get sends a GET.
func (s *Session) Get(path string) (int, []byte, error) {
	st, body, _, err := s.Do(http.MethodGet, path, nil)
	return st, body, err
}
