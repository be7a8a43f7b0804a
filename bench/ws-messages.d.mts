/** See ws-messages.mjs. */
export declare const MESSAGES: Buffer[];
