import { describe, expect, it } from 'vitest';
import { LESSONS } from './lessons';
import { parseLessonHash, routeBeforeStart, routeHash } from './lessonView';

describe('page routes in the URL hash', () => {
  it('reads and writes the fact check, the lesson list and a lesson step', () => {
    expect(parseLessonHash('#/facts', LESSONS)).toEqual({ page: 'facts' });
    expect(parseLessonHash('#/facts/', LESSONS)).toEqual({ page: 'facts' });
    expect(routeHash({ page: 'facts' })).toBe('#/facts');
    // A filter by mark is part of the link; a mark that is not one shows every claim.
    expect(parseLessonHash('#/facts?mark=dated', LESSONS)).toEqual({
      page: 'facts',
      mark: 'dated',
    });
    expect(routeHash({ page: 'facts', mark: 'dated' })).toBe('#/facts?mark=dated');
    expect(parseLessonHash('#/facts?mark=maybe', LESSONS)).toEqual({ page: 'facts' });
    expect(parseLessonHash('#/lessons', LESSONS)).toEqual({ page: 'lessons' });
    const lesson = LESSONS[2]!;
    const route = parseLessonHash(`#/lessons/${lesson.id}/2`, LESSONS);
    expect(route).toEqual({ page: 'lesson', lessonId: lesson.id, step: 1 });
    expect(routeHash(route!)).toBe(`#/lessons/${lesson.id}/2`);
  });

  it('names the lesson list and the fact check before the lessons and saved edits are read', () => {
    expect(routeBeforeStart('#/lessons')).toEqual({ page: 'lessons' });
    expect(routeBeforeStart('#/lessons/')).toEqual({ page: 'lessons' });
    expect(routeBeforeStart('#/facts?mark=dated')).toEqual({ page: 'facts', mark: 'dated' });
    // A lesson's link is checked against the lessons first (an unknown lesson opens the list):
    // until then it is opening.
    for (const hash of ['#/lessons/01-first-packet/2', '#/present/x/1', '#/speaker/x']) {
      expect(routeBeforeStart(hash)).toEqual({ page: 'opening' });
    }
    for (const hash of ['#/walk?x', '', '#/x', '#/challenge?seed=1']) {
      expect(routeBeforeStart(hash)).toBeUndefined();
    }
  });

  it('leaves anything else to the visualizer', () => {
    for (const hash of [
      '',
      '#/walk?scenario=seed-policies',
      '#/factsheet',
      '#/facts/x',
      '#/facts?x=1',
    ])
      expect(parseLessonHash(hash, LESSONS), hash).toBeNull();
    expect(routeHash({ page: 'walk' })).toBeNull();
  });
});
