package privacy

// Endpoint is one API endpoint and whether Zero Data Retention covers it.
// Key names its description in locales/: "privacy.zdr.endpoint.<Key>".
type Endpoint struct {
	Method  string
	Path    string
	Key     string
	Covered bool
}

// Endpoints is what Zero Data Retention covers, written down once. Covered
// endpoints keep neither inputs nor outputs once the response is sent (no
// abuse-monitoring copy, no Data Capture). The others store data by design:
// what they keep is what they are for, and ZDR does not change it.
var Endpoints = []Endpoint{
	{Method: "POST", Path: "/v1/chat/completions", Key: "chat", Covered: true},
	{Method: "POST", Path: "/v1/fim/completions", Key: "fim", Covered: true},
	{Method: "POST", Path: "/v1/embeddings", Key: "embeddings", Covered: true},
	{Method: "POST", Path: "/v1/moderations", Key: "moderations", Covered: true},
	{Method: "POST", Path: "/v1/chat/moderations", Key: "chat_moderations", Covered: true},
	{Method: "POST", Path: "/v1/ocr", Key: "ocr", Covered: true},
	{Method: "POST", Path: "/v1/audio/transcriptions", Key: "transcriptions", Covered: true},
	{Method: "POST", Path: "/v1/files", Key: "files", Covered: false},
	{Method: "POST", Path: "/v1/batch/jobs", Key: "batch", Covered: false},
	{Method: "POST", Path: "/v1/fine_tuning/jobs", Key: "fine_tuning", Covered: false},
	{Method: "POST", Path: "/v1/agents", Key: "agents", Covered: false},
	{Method: "POST", Path: "/v1/conversations", Key: "conversations", Covered: false},
}
