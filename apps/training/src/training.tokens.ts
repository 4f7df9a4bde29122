import { TrainingSettings } from './training-config';

export const DATA_JOBS = 'DATA_JOBS';
/** The loaded `TrainingConfig` (PlatformServiceModule provides it under its definition's token). */
export const TRAINING_CONFIG = TrainingSettings.token;
export const TRAINING_EXECUTOR = 'TRAINING_EXECUTOR';
