import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { providerFiles, type CredentialForm, type ProviderDefinition } from './definition';

/** Where each credential's documentation link points: the package's README. */
export const README_URL = 'https://github.com/n8n-nodes-verified-webhooks/n8n-nodes-verified-webhooks';

type CredentialSpec = ProviderDefinition['credential'] & { fields: CredentialForm };

/** The fields of a credential form: the header name (custom-header schemes), the secret, the previous secret. */
export function credentialProperties(credential: CredentialSpec): INodeProperties[] {
	const { fields } = credential;
	const properties: INodeProperties[] = [];
	if (credential.headerName && fields.headerName) {
		const { displayName, description, default: headerDefault } = fields.headerName;
		properties.push({ displayName, name: credential.headerName, type: 'string', default: headerDefault, required: true, description });
	}
	properties.push(
		{
			displayName: fields.secret.displayName,
			name: credential.secret,
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: fields.secret.description,
		},
		{
			displayName: fields.previousSecret.displayName,
			name: credential.previousSecret,
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: fields.previousSecret.description,
		},
	);
	return properties;
}

/** The anchor of a README heading, as GitHub makes it. */
export function readmeAnchor(heading: string): string {
	return heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
}

/**
 * What a provider's credential class is, from its definition alone. The class file spells out
 * name, display name, icon and documentation URL (n8n's lint reads them there);
 * test/providers/registry.test.ts checks that they equal this.
 */
export function credentialType(definition: Pick<ProviderDefinition, 'provider' | 'displayName' | 'nodeName' | 'icon'> & { credential: CredentialSpec }, readmeHeading = definition.displayName): ICredentialType {
	const files = providerFiles(definition);
	return {
		name: definition.credential.name,
		displayName: `${definition.displayName} Webhook API`,
		icon: { light: `file:../${files.nodeFolder}/${files.icons.light}` as `file:${string}.svg`, dark: `file:../${files.nodeFolder}/${files.icons.dark}` as `file:${string}.svg` },
		documentationUrl: `${README_URL}#${readmeAnchor(readmeHeading)}`,
		properties: credentialProperties(definition.credential),
	};
}

/** The base of every credential class: its form, built from the definition's credential. */
export function providerCredential(credential: CredentialSpec): new () => Pick<ICredentialType, 'properties'> {
	const properties = credentialProperties(credential);
	return class {
		properties = properties;
	};
}
