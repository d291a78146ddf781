export namespace desktop {
	
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
	export class SignUpDTO {
	    email: string;
	    firstName: string;
	    lastName: string;
	    password: string;
	    language: string;
	    keep: boolean;
	
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
	    }
	}
	export class StateDTO {
	    needsOnboarding: boolean;
	    user?: UserDTO;
	    language: string;
	    dir: string;
	    keychainAvailable: boolean;
	
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

}

