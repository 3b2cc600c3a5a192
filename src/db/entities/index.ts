import { ApiToken } from './ApiToken.js';
import { Asset } from './Asset.js';
import { AssetRelation } from './AssetRelation.js';
import { AssetVersion } from './AssetVersion.js';
import { AuthKey } from './AuthKey.js';
import { DownloadPreset } from './DownloadPreset.js';
import { Folder } from './Folder.js';
import { HistoryEntry } from './HistoryEntry.js';
import { LoginThrottle } from './LoginThrottle.js';
import { Process } from './Process.js';
import { Rendition } from './Rendition.js';
import { Session } from './Session.js';
import { User } from './User.js';

/** Every entity, for the ORM's configuration. */
export const entities = [
  User,
  Session,
  ApiToken,
  LoginThrottle,
  Asset,
  AssetVersion,
  AssetRelation,
  Folder,
  HistoryEntry,
  DownloadPreset,
  AuthKey,
  Process,
  Rendition,
];
