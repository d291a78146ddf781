export namespace desktop {
	
	export class AlertDTO {
	    scope: string;
	    scopeName: string;
	    threshold: number;
	    spent: number;
	    limit: number;
	    at: string;
	
	    static createFrom(source: any = {}) {
	        return new AlertDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.scope = source["scope"];
	        this.scopeName = source["scopeName"];
	        this.threshold = source["threshold"];
	        this.spent = source["spent"];
	        this.limit = source["limit"];
	        this.at = source["at"];
	    }
	}
	export class AuditEventDTO {
	    seq: number;
	    id: string;
	    at: string;
	    actorId: string;
	    actorName: string;
	    actorEmail: string;
	    action: string;
	    targetType: string;
	    targetId: string;
	    targetName: string;
	    workspaceId: string;
	    workspaceName: string;
	    details: Record<string, any>;
	
	    static createFrom(source: any = {}) {
	        return new AuditEventDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.seq = source["seq"];
	        this.id = source["id"];
	        this.at = source["at"];
	        this.actorId = source["actorId"];
	        this.actorName = source["actorName"];
	        this.actorEmail = source["actorEmail"];
	        this.action = source["action"];
	        this.targetType = source["targetType"];
	        this.targetId = source["targetId"];
	        this.targetName = source["targetName"];
	        this.workspaceId = source["workspaceId"];
	        this.workspaceName = source["workspaceName"];
	        this.details = source["details"];
	    }
	}
	export class AuditExportDTO {
	    path: string;
	    count: number;
	
	    static createFrom(source: any = {}) {
	        return new AuditExportDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.path = source["path"];
	        this.count = source["count"];
	    }
	}
	export class AuditOverviewDTO {
	    actions: string[];
	    targetTypes: string[];
	    retentionDays: number;
	    minRetentionDays: number;
	    maxRetentionDays: number;
	    authenticated: boolean;
	
	    static createFrom(source: any = {}) {
	        return new AuditOverviewDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.actions = source["actions"];
	        this.targetTypes = source["targetTypes"];
	        this.retentionDays = source["retentionDays"];
	        this.minRetentionDays = source["minRetentionDays"];
	        this.maxRetentionDays = source["maxRetentionDays"];
	        this.authenticated = source["authenticated"];
	    }
	}
	export class AuditPageDTO {
	    events: AuditEventDTO[];
	    next: number;
	    more: boolean;
	
	    static createFrom(source: any = {}) {
	        return new AuditPageDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.events = this.convertValues(source["events"], AuditEventDTO);
	        this.next = source["next"];
	        this.more = source["more"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class AuditQueryDTO {
	    actorId: string;
	    action: string;
	    targetType: string;
	    workspaceId: string;
	    from: string;
	    to: string;
	    before: number;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new AuditQueryDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.actorId = source["actorId"];
	        this.action = source["action"];
	        this.targetType = source["targetType"];
	        this.workspaceId = source["workspaceId"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.before = source["before"];
	        this.limit = source["limit"];
	    }
	}
	export class AuditVerifyDTO {
	    ok: boolean;
	    events: number;
	    brokenSeq: number;
	    kind: string;
	    own: boolean;
	    at: string;
	    action: string;
	
	    static createFrom(source: any = {}) {
	        return new AuditVerifyDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.ok = source["ok"];
	        this.events = source["events"];
	        this.brokenSeq = source["brokenSeq"];
	        this.kind = source["kind"];
	        this.own = source["own"];
	        this.at = source["at"];
	        this.action = source["action"];
	    }
	}
	export class CallDTO {
	    id: number;
	    at: string;
	    workspaceId: string;
	    workspaceName: string;
	    apiKeyId: string;
	    apiKeyName: string;
	    model: string;
	    inputTokens: number;
	    outputTokens: number;
	    latencyMs: number;
	    status: number;
	    requestBytes: number;
	    responseBytes: number;
	    truncated: number;
	    preview: string;
	
	    static createFrom(source: any = {}) {
	        return new CallDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.at = source["at"];
	        this.workspaceId = source["workspaceId"];
	        this.workspaceName = source["workspaceName"];
	        this.apiKeyId = source["apiKeyId"];
	        this.apiKeyName = source["apiKeyName"];
	        this.model = source["model"];
	        this.inputTokens = source["inputTokens"];
	        this.outputTokens = source["outputTokens"];
	        this.latencyMs = source["latencyMs"];
	        this.status = source["status"];
	        this.requestBytes = source["requestBytes"];
	        this.responseBytes = source["responseBytes"];
	        this.truncated = source["truncated"];
	        this.preview = source["preview"];
	    }
	}
	export class CallDetailDTO {
	    id: number;
	    at: string;
	    workspaceId: string;
	    workspaceName: string;
	    apiKeyId: string;
	    apiKeyName: string;
	    model: string;
	    inputTokens: number;
	    outputTokens: number;
	    latencyMs: number;
	    status: number;
	    requestBytes: number;
	    responseBytes: number;
	    truncated: number;
	    preview: string;
	    recordId: string;
	    request: string;
	    response: string;
	
	    static createFrom(source: any = {}) {
	        return new CallDetailDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.at = source["at"];
	        this.workspaceId = source["workspaceId"];
	        this.workspaceName = source["workspaceName"];
	        this.apiKeyId = source["apiKeyId"];
	        this.apiKeyName = source["apiKeyName"];
	        this.model = source["model"];
	        this.inputTokens = source["inputTokens"];
	        this.outputTokens = source["outputTokens"];
	        this.latencyMs = source["latencyMs"];
	        this.status = source["status"];
	        this.requestBytes = source["requestBytes"];
	        this.responseBytes = source["responseBytes"];
	        this.truncated = source["truncated"];
	        this.preview = source["preview"];
	        this.recordId = source["recordId"];
	        this.request = source["request"];
	        this.response = source["response"];
	    }
	}
	export class CallFilterDTO {
	    workspaceId: string;
	    model: string;
	    status: string;
	    from: string;
	    to: string;
	    search: string;
	    cursor: string;
	    limit: number;
	
	    static createFrom(source: any = {}) {
	        return new CallFilterDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workspaceId = source["workspaceId"];
	        this.model = source["model"];
	        this.status = source["status"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.search = source["search"];
	        this.cursor = source["cursor"];
	        this.limit = source["limit"];
	    }
	}
	export class CallPageDTO {
	    calls: CallDTO[];
	    next: string;
	
	    static createFrom(source: any = {}) {
	        return new CallPageDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.calls = this.convertValues(source["calls"], CallDTO);
	        this.next = source["next"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class CaptureLimitsDTO {
	    minRetentionDays: number;
	    maxRetentionDays: number;
	    defaultRetentionDays: number;
	    maxExportDays: number;
	    maxBodyBytes: number;
	    resultDays: number;
	    plans: string[];
	
	    static createFrom(source: any = {}) {
	        return new CaptureLimitsDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.minRetentionDays = source["minRetentionDays"];
	        this.maxRetentionDays = source["maxRetentionDays"];
	        this.defaultRetentionDays = source["defaultRetentionDays"];
	        this.maxExportDays = source["maxExportDays"];
	        this.maxBodyBytes = source["maxBodyBytes"];
	        this.resultDays = source["resultDays"];
	        this.plans = source["plans"];
	    }
	}
	export class CaptureSettingDTO {
	    workspaceId: string;
	    workspaceName: string;
	    archived: boolean;
	    enabled: boolean;
	    retentionDays: number;
	    zdr: boolean;
	    changedByName: string;
	    changedAt: string;
	    calls: number;
	
	    static createFrom(source: any = {}) {
	        return new CaptureSettingDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workspaceId = source["workspaceId"];
	        this.workspaceName = source["workspaceName"];
	        this.archived = source["archived"];
	        this.enabled = source["enabled"];
	        this.retentionDays = source["retentionDays"];
	        this.zdr = source["zdr"];
	        this.changedByName = source["changedByName"];
	        this.changedAt = source["changedAt"];
	        this.calls = source["calls"];
	    }
	}
	export class CatalogDTO {
	    language: string;
	    dir: string;
	    messages: Record<string, any>;
	
	    static createFrom(source: any = {}) {
	        return new CatalogDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.language = source["language"];
	        this.dir = source["dir"];
	        this.messages = source["messages"];
	    }
	}
	export class ChangeDTO {
	    product: string;
	    plan: string;
	    interval: string;
	    seats: number;
	
	    static createFrom(source: any = {}) {
	        return new ChangeDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.product = source["product"];
	        this.plan = source["plan"];
	        this.interval = source["interval"];
	        this.seats = source["seats"];
	    }
	}
	export class EndpointDTO {
	    method: string;
	    path: string;
	    key: string;
	    covered: boolean;
	
	    static createFrom(source: any = {}) {
	        return new EndpointDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.method = source["method"];
	        this.path = source["path"];
	        this.key = source["key"];
	        this.covered = source["covered"];
	    }
	}
	export class EnrollmentDTO {
	    secret: string;
	    uri: string;
	    qrCode: string;
	
	    static createFrom(source: any = {}) {
	        return new EnrollmentDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.secret = source["secret"];
	        this.uri = source["uri"];
	        this.qrCode = source["qrCode"];
	    }
	}
	export class ExportInputDTO {
	    workspaceIds: string[];
	    from: string;
	    to: string;
	    model: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportInputDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workspaceIds = source["workspaceIds"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.model = source["model"];
	    }
	}
	export class ExportJobDTO {
	    id: string;
	    status: string;
	    workspaceIds: string[];
	    workspaceNames: string[];
	    from: string;
	    to: string;
	    model: string;
	    done: number;
	    total: number;
	    errorCode: string;
	    resultBytes: number;
	    resultAvailable: boolean;
	    createdByName: string;
	    createdAt: string;
	    startedAt: string;
	    finishedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new ExportJobDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.status = source["status"];
	        this.workspaceIds = source["workspaceIds"];
	        this.workspaceNames = source["workspaceNames"];
	        this.from = source["from"];
	        this.to = source["to"];
	        this.model = source["model"];
	        this.done = source["done"];
	        this.total = source["total"];
	        this.errorCode = source["errorCode"];
	        this.resultBytes = source["resultBytes"];
	        this.resultAvailable = source["resultAvailable"];
	        this.createdByName = source["createdByName"];
	        this.createdAt = source["createdAt"];
	        this.startedAt = source["startedAt"];
	        this.finishedAt = source["finishedAt"];
	    }
	}
	export class IdentityDTO {
	    provider: string;
	    email: string;
	    linkedAt: string;
	    lastUsedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new IdentityDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.provider = source["provider"];
	        this.email = source["email"];
	        this.linkedAt = source["linkedAt"];
	        this.lastUsedAt = source["lastUsedAt"];
	    }
	}
	export class ImportResultDTO {
	    file: string;
	    read: number;
	    added: number;
	    duplicates: number;
	    captured: number;
	
	    static createFrom(source: any = {}) {
	        return new ImportResultDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.file = source["file"];
	        this.read = source["read"];
	        this.added = source["added"];
	        this.duplicates = source["duplicates"];
	        this.captured = source["captured"];
	    }
	}
	export class PersonDTO {
	    userId: string;
	    firstName: string;
	    lastName: string;
	    email: string;
	
	    static createFrom(source: any = {}) {
	        return new PersonDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.userId = source["userId"];
	        this.firstName = source["firstName"];
	        this.lastName = source["lastName"];
	        this.email = source["email"];
	    }
	}
	export class ImprovementDTO {
	    optedOut: boolean;
	    explicit: boolean;
	    defaultOptOut: boolean;
	    changedBy: PersonDTO;
	    changedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new ImprovementDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.optedOut = source["optedOut"];
	        this.explicit = source["explicit"];
	        this.defaultOptOut = source["defaultOptOut"];
	        this.changedBy = this.convertValues(source["changedBy"], PersonDTO);
	        this.changedAt = source["changedAt"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class InvitationDTO {
	    id: string;
	    email: string;
	    role: string;
	    workspaceIds: string[];
	    state: string;
	    createdAt: string;
	    expiresAt: string;
	    token: string;
	
	    static createFrom(source: any = {}) {
	        return new InvitationDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.email = source["email"];
	        this.role = source["role"];
	        this.workspaceIds = source["workspaceIds"];
	        this.state = source["state"];
	        this.createdAt = source["createdAt"];
	        this.expiresAt = source["expiresAt"];
	        this.token = source["token"];
	    }
	}
	export class InvoiceDTO {
	    id: string;
	    kind: string;
	    number: string;
	    status: string;
	    issuedAt: string;
	    dueAt: string;
	    periodStart: string;
	    periodEnd: string;
	    currency: string;
	    total: number;
	
	    static createFrom(source: any = {}) {
	        return new InvoiceDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.kind = source["kind"];
	        this.number = source["number"];
	        this.status = source["status"];
	        this.issuedAt = source["issuedAt"];
	        this.dueAt = source["dueAt"];
	        this.periodStart = source["periodStart"];
	        this.periodEnd = source["periodEnd"];
	        this.currency = source["currency"];
	        this.total = source["total"];
	    }
	}
	export class KeyDTO {
	    id: string;
	    name: string;
	    displayPrefix: string;
	    allowedModels: string[];
	    createdBy: string;
	    createdAt: string;
	    expiresAt: string;
	    lastUsedAt: string;
	    graceUntil: string;
	    status: string;
	    secret: string;
	
	    static createFrom(source: any = {}) {
	        return new KeyDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.displayPrefix = source["displayPrefix"];
	        this.allowedModels = source["allowedModels"];
	        this.createdBy = source["createdBy"];
	        this.createdAt = source["createdAt"];
	        this.expiresAt = source["expiresAt"];
	        this.lastUsedAt = source["lastUsedAt"];
	        this.graceUntil = source["graceUntil"];
	        this.status = source["status"];
	        this.secret = source["secret"];
	    }
	}
	export class KeyInputDTO {
	    name: string;
	    expiresOn: string;
	    allowedModels: string[];
	
	    static createFrom(source: any = {}) {
	        return new KeyInputDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.expiresOn = source["expiresOn"];
	        this.allowedModels = source["allowedModels"];
	    }
	}
	export class KeyPageDTO {
	    keys: KeyDTO[];
	    total: number;
	
	    static createFrom(source: any = {}) {
	        return new KeyPageDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.keys = this.convertValues(source["keys"], KeyDTO);
	        this.total = source["total"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LanguageDTO {
	    tag: string;
	    name: string;
	    dir: string;
	
	    static createFrom(source: any = {}) {
	        return new LanguageDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.tag = source["tag"];
	        this.name = source["name"];
	        this.dir = source["dir"];
	    }
	}
	export class LimitRowDTO {
	    model: string;
	    requestsPerSecond?: number;
	    tokensPerMinute?: number;
	    tokensPerMonth?: number;
	
	    static createFrom(source: any = {}) {
	        return new LimitRowDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.model = source["model"];
	        this.requestsPerSecond = source["requestsPerSecond"];
	        this.tokensPerMinute = source["tokensPerMinute"];
	        this.tokensPerMonth = source["tokensPerMonth"];
	    }
	}
	export class LimitsDTO {
	    rows: LimitRowDTO[];
	    monthlySpend?: number;
	    currency: string;
	    orgRequestsPerSecond: number;
	    orgTokensPerMinute: number;
	    orgTokensPerMonth: number;
	    orgMonthlySpend?: number;
	    canEdit: boolean;
	
	    static createFrom(source: any = {}) {
	        return new LimitsDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.rows = this.convertValues(source["rows"], LimitRowDTO);
	        this.monthlySpend = source["monthlySpend"];
	        this.currency = source["currency"];
	        this.orgRequestsPerSecond = source["orgRequestsPerSecond"];
	        this.orgTokensPerMinute = source["orgTokensPerMinute"];
	        this.orgTokensPerMonth = source["orgTokensPerMonth"];
	        this.orgMonthlySpend = source["orgMonthlySpend"];
	        this.canEdit = source["canEdit"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LimitsInputDTO {
	    rows: LimitRowDTO[];
	    monthlySpend?: number;
	
	    static createFrom(source: any = {}) {
	        return new LimitsInputDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.rows = this.convertValues(source["rows"], LimitRowDTO);
	        this.monthlySpend = source["monthlySpend"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MemberDTO {
	    userId: string;
	    firstName: string;
	    lastName: string;
	    email: string;
	    role: string;
	    joinedAt: string;
	    lastActiveAt: string;
	
	    static createFrom(source: any = {}) {
	        return new MemberDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.userId = source["userId"];
	        this.firstName = source["firstName"];
	        this.lastName = source["lastName"];
	        this.email = source["email"];
	        this.role = source["role"];
	        this.joinedAt = source["joinedAt"];
	        this.lastActiveAt = source["lastActiveAt"];
	    }
	}
	export class MemberPageDTO {
	    members: MemberDTO[];
	    total: number;
	
	    static createFrom(source: any = {}) {
	        return new MemberPageDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.members = this.convertValues(source["members"], MemberDTO);
	        this.total = source["total"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class MembershipDTO {
	    orgId: string;
	    name: string;
	    role: string;
	
	    static createFrom(source: any = {}) {
	        return new MembershipDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.orgId = source["orgId"];
	        this.name = source["name"];
	        this.role = source["role"];
	    }
	}
	export class OrgDTO {
	    id: string;
	    name: string;
	    role: string;
	    chatPlan: string;
	    apiPlan: string;
	    currency: string;
	    memberCount: number;
	    maxMembers: number;
	    invitations: boolean;
	    multiMemberWorkspaces: boolean;
	    can: Record<string, boolean>;
	    memberships: MembershipDTO[];
	
	    static createFrom(source: any = {}) {
	        return new OrgDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.role = source["role"];
	        this.chatPlan = source["chatPlan"];
	        this.apiPlan = source["apiPlan"];
	        this.currency = source["currency"];
	        this.memberCount = source["memberCount"];
	        this.maxMembers = source["maxMembers"];
	        this.invitations = source["invitations"];
	        this.multiMemberWorkspaces = source["multiMemberWorkspaces"];
	        this.can = source["can"];
	        this.memberships = this.convertValues(source["memberships"], MembershipDTO);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class PlanDTO {
	    id: string;
	    product: string;
	    maxMembers: number;
	    multiMemberWorkspaces: boolean;
	    invitations: boolean;
	
	    static createFrom(source: any = {}) {
	        return new PlanDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.product = source["product"];
	        this.maxMembers = source["maxMembers"];
	        this.multiMemberWorkspaces = source["multiMemberWorkspaces"];
	        this.invitations = source["invitations"];
	    }
	}
	export class PolicyDTO {
	    requireMFA: boolean;
	    membersWithoutMFA: number;
	    canManage: boolean;
	
	    static createFrom(source: any = {}) {
	        return new PolicyDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.requireMFA = source["requireMFA"];
	        this.membersWithoutMFA = source["membersWithoutMFA"];
	        this.canManage = source["canManage"];
	    }
	}
	export class ZDRWorkspaceDTO {
	    id: string;
	    name: string;
	
	    static createFrom(source: any = {}) {
	        return new ZDRWorkspaceDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	    }
	}
	export class ZDRRequestDTO {
	    id: string;
	    status: string;
	    reason: string;
	    contact: string;
	    requestedBy: PersonDTO;
	    requestedAt: string;
	    decidedAt: string;
	    decisionNote: string;
	    workspaces: ZDRWorkspaceDTO[];
	
	    static createFrom(source: any = {}) {
	        return new ZDRRequestDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.status = source["status"];
	        this.reason = source["reason"];
	        this.contact = source["contact"];
	        this.requestedBy = this.convertValues(source["requestedBy"], PersonDTO);
	        this.requestedAt = source["requestedAt"];
	        this.decidedAt = source["decidedAt"];
	        this.decisionNote = source["decisionNote"];
	        this.workspaces = this.convertValues(source["workspaces"], ZDRWorkspaceDTO);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class PrivacyDTO {
	    improvement: ImprovementDTO;
	    requests: ZDRRequestDTO[];
	    endpoints: EndpointDTO[];
	    canManage: boolean;
	    maxReason: number;
	
	    static createFrom(source: any = {}) {
	        return new PrivacyDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.improvement = this.convertValues(source["improvement"], ImprovementDTO);
	        this.requests = this.convertValues(source["requests"], ZDRRequestDTO);
	        this.endpoints = this.convertValues(source["endpoints"], EndpointDTO);
	        this.canManage = source["canManage"];
	        this.maxReason = source["maxReason"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ProfileDTO {
	    legalName: string;
	    address: string;
	    postalCode: string;
	    city: string;
	    country: string;
	    billingEmail: string;
	    taxId: string;
	    currency: string;
	    invoiceLanguage: string;
	    saved: boolean;
	
	    static createFrom(source: any = {}) {
	        return new ProfileDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.legalName = source["legalName"];
	        this.address = source["address"];
	        this.postalCode = source["postalCode"];
	        this.city = source["city"];
	        this.country = source["country"];
	        this.billingEmail = source["billingEmail"];
	        this.taxId = source["taxId"];
	        this.currency = source["currency"];
	        this.invoiceLanguage = source["invoiceLanguage"];
	        this.saved = source["saved"];
	    }
	}
	export class QuoteDTO {
	    change: ChangeDTO;
	    immediate: boolean;
	    effectiveAt: string;
	    dueNow: number;
	    currentPrice: number;
	    newPrice: number;
	    currency: string;
	
	    static createFrom(source: any = {}) {
	        return new QuoteDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.change = this.convertValues(source["change"], ChangeDTO);
	        this.immediate = source["immediate"];
	        this.effectiveAt = source["effectiveAt"];
	        this.dueNow = source["dueNow"];
	        this.currentPrice = source["currentPrice"];
	        this.newPrice = source["newPrice"];
	        this.currency = source["currency"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class ResourceDTO {
	    id: string;
	    kind: string;
	    name: string;
	    sizeBytes: number;
	    createdBy: string;
	    createdAt: string;
	
	    static createFrom(source: any = {}) {
	        return new ResourceDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.kind = source["kind"];
	        this.name = source["name"];
	        this.sizeBytes = source["sizeBytes"];
	        this.createdBy = source["createdBy"];
	        this.createdAt = source["createdAt"];
	    }
	}
	export class ResourcePageDTO {
	    resources: ResourceDTO[];
	    total: number;
	
	    static createFrom(source: any = {}) {
	        return new ResourcePageDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.resources = this.convertValues(source["resources"], ResourceDTO);
	        this.total = source["total"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SecurityDTO {
	    mfaAvailable: boolean;
	    mfaEnabled: boolean;
	    mfaEnabledAt: string;
	    recoveryCodesLeft: number;
	    mfaRequired: boolean;
	    hasPassword: boolean;
	    identities: IdentityDTO[];
	    providers: string[];
	
	    static createFrom(source: any = {}) {
	        return new SecurityDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.mfaAvailable = source["mfaAvailable"];
	        this.mfaEnabled = source["mfaEnabled"];
	        this.mfaEnabledAt = source["mfaEnabledAt"];
	        this.recoveryCodesLeft = source["recoveryCodesLeft"];
	        this.mfaRequired = source["mfaRequired"];
	        this.hasPassword = source["hasPassword"];
	        this.identities = this.convertValues(source["identities"], IdentityDTO);
	        this.providers = source["providers"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SessionDTO {
	    id: string;
	    device: string;
	    method: string;
	    createdAt: string;
	    lastSeenAt: string;
	    current: boolean;
	
	    static createFrom(source: any = {}) {
	        return new SessionDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.device = source["device"];
	        this.method = source["method"];
	        this.createdAt = source["createdAt"];
	        this.lastSeenAt = source["lastSeenAt"];
	        this.current = source["current"];
	    }
	}
	export class SignUpDTO {
	    email: string;
	    firstName: string;
	    lastName: string;
	    password: string;
	    language: string;
	    keep: boolean;
	    invitationToken: string;
	
	    static createFrom(source: any = {}) {
	        return new SignUpDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.email = source["email"];
	        this.firstName = source["firstName"];
	        this.lastName = source["lastName"];
	        this.password = source["password"];
	        this.language = source["language"];
	        this.keep = source["keep"];
	        this.invitationToken = source["invitationToken"];
	    }
	}
	export class SpendDTO {
	    monthlyLimit?: number;
	    currency: string;
	    costControl: boolean;
	    alerts: AlertDTO[];
	
	    static createFrom(source: any = {}) {
	        return new SpendDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.monthlyLimit = source["monthlyLimit"];
	        this.currency = source["currency"];
	        this.costControl = source["costControl"];
	        this.alerts = this.convertValues(source["alerts"], AlertDTO);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class UserDTO {
	    id: string;
	    email: string;
	    firstName: string;
	    lastName: string;
	    language: string;
	    role: string;
	    orgName: string;
	    createdAt: string;
	    mustEnrollMFA: boolean;
	
	    static createFrom(source: any = {}) {
	        return new UserDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.email = source["email"];
	        this.firstName = source["firstName"];
	        this.lastName = source["lastName"];
	        this.language = source["language"];
	        this.role = source["role"];
	        this.orgName = source["orgName"];
	        this.createdAt = source["createdAt"];
	        this.mustEnrollMFA = source["mustEnrollMFA"];
	    }
	}
	export class StateDTO {
	    needsOnboarding: boolean;
	    user?: UserDTO;
	    language: string;
	    dir: string;
	    keychainAvailable: boolean;
	    mfaChallenge: boolean;
	    providers: string[];
	
	    static createFrom(source: any = {}) {
	        return new StateDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.needsOnboarding = source["needsOnboarding"];
	        this.user = this.convertValues(source["user"], UserDTO);
	        this.language = source["language"];
	        this.dir = source["dir"];
	        this.keychainAvailable = source["keychainAvailable"];
	        this.mfaChallenge = source["mfaChallenge"];
	        this.providers = source["providers"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class SubscriptionDTO {
	    product: string;
	    plan: string;
	    interval: string;
	    seats: number;
	    periodStart: string;
	    periodEnd: string;
	    scheduled?: ChangeDTO;
	
	    static createFrom(source: any = {}) {
	        return new SubscriptionDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.product = source["product"];
	        this.plan = source["plan"];
	        this.interval = source["interval"];
	        this.seats = source["seats"];
	        this.periodStart = source["periodStart"];
	        this.periodEnd = source["periodEnd"];
	        this.scheduled = this.convertValues(source["scheduled"], ChangeDTO);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class UsagePointDTO {
	    bucket: string;
	    group: string;
	    label: string;
	    requests: number;
	    inputTokens: number;
	    outputTokens: number;
	    cost: number;
	
	    static createFrom(source: any = {}) {
	        return new UsagePointDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.bucket = source["bucket"];
	        this.group = source["group"];
	        this.label = source["label"];
	        this.requests = source["requests"];
	        this.inputTokens = source["inputTokens"];
	        this.outputTokens = source["outputTokens"];
	        this.cost = source["cost"];
	    }
	}
	export class UsageQueryDTO {
	    from: string;
	    to: string;
	    byMonth: boolean;
	    groupBy: string;
	
	    static createFrom(source: any = {}) {
	        return new UsageQueryDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.from = source["from"];
	        this.to = source["to"];
	        this.byMonth = source["byMonth"];
	        this.groupBy = source["groupBy"];
	    }
	}
	export class UsageReportDTO {
	    currency: string;
	    points: UsagePointDTO[];
	    groups: UsagePointDTO[];
	    total: UsagePointDTO;
	
	    static createFrom(source: any = {}) {
	        return new UsageReportDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.currency = source["currency"];
	        this.points = this.convertValues(source["points"], UsagePointDTO);
	        this.groups = this.convertValues(source["groups"], UsagePointDTO);
	        this.total = this.convertValues(source["total"], UsagePointDTO);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	export class WorkspaceDTO {
	    id: string;
	    name: string;
	    description: string;
	    archived: boolean;
	    createdAt: string;
	    myRole: string;
	    canManage: boolean;
	    memberCount: number;
	    keyCount: number;
	
	    static createFrom(source: any = {}) {
	        return new WorkspaceDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.name = source["name"];
	        this.description = source["description"];
	        this.archived = source["archived"];
	        this.createdAt = source["createdAt"];
	        this.myRole = source["myRole"];
	        this.canManage = source["canManage"];
	        this.memberCount = source["memberCount"];
	        this.keyCount = source["keyCount"];
	    }
	}
	export class WorkspaceMemberDTO {
	    userId: string;
	    firstName: string;
	    lastName: string;
	    email: string;
	    role: string;
	    addedAt: string;
	
	    static createFrom(source: any = {}) {
	        return new WorkspaceMemberDTO(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.userId = source["userId"];
	        this.firstName = source["firstName"];
	        this.lastName = source["lastName"];
	        this.email = source["email"];
	        this.role = source["role"];
	        this.addedAt = source["addedAt"];
	    }
	}
	

}

