import { builder } from './builder.js';

/** The relay plugin's Node interface, with node(id:) and nodes(ids:) (see the relay options in builder.ts). */
export const NodeRef = builder.nodeInterfaceRef();
